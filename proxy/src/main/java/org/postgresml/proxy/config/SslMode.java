package org.postgresml.proxy.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** libpq's sslmode values, as far as a proxy connecting upstream needs them. */
public enum SslMode {
  DISABLE, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

  public static SslMode parse(String text) {
    for (SslMode mode : values()) {
      if (mode.text().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new ConfigException("invalid sslmode '" + text + "' (expected one of "
        + Arrays.stream(values()).map(SslMode::text).collect(Collectors.joining(", ")) + ")");
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the server's certificate chain is checked against the root CA. */
  public boolean verifiesCertificate() {
    return this == VERIFY_CA || this == VERIFY_FULL;
  }

  /** Whether a server that answers 'N' to SSLRequest must be refused. */
  public boolean requiresTls() {
    return this != DISABLE && this != PREFER;
  }
}
