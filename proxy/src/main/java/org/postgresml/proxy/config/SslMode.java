package org.postgresml.proxy.config;

/** libpq's sslmode values, as far as a proxy connecting upstream needs them. */
public enum SslMode {
  DISABLE, PREFER, REQUIRE, VERIFY_CA, VERIFY_FULL;

  public static SslMode parse(String text) {
    return EnumText.parse(SslMode.class, "sslmode", text);
  }

  public String text() {
    return EnumText.text(this);
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
