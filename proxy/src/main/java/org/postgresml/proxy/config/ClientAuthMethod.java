package org.postgresml.proxy.config;

/** How clients prove who they are to the proxy. */
public enum ClientAuthMethod {
  SCRAM_SHA_256, MD5, TRUST;

  public static ClientAuthMethod parse(String text) {
    return EnumText.parse(ClientAuthMethod.class, "client auth method", text);
  }

  public String text() {
    return EnumText.text(this);
  }
}
