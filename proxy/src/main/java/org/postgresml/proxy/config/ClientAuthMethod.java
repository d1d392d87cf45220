package org.postgresml.proxy.config;

import java.util.Locale;

/** How clients prove who they are to the proxy. */
public enum ClientAuthMethod {
  SCRAM_SHA_256, MD5, TRUST;

  public static ClientAuthMethod parse(String text) {
    for (ClientAuthMethod method : values()) {
      if (method.text().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return method;
      }
    }
    throw new ConfigException("invalid client auth method '" + text + "' (expected scram-sha-256, md5 or trust)");
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
