package org.postgresml.testing;

/** How the fixture's {@code pg_hba.conf} authenticates TCP clients. */
public enum AuthMethod {
  SCRAM_SHA_256("scram-sha-256", "scram-sha-256"),
  MD5("md5", "md5"),
  TRUST("trust", "scram-sha-256");

  private final String hbaMethod;
  private final String passwordEncryption;

  AuthMethod(String hbaMethod, String passwordEncryption) {
    this.hbaMethod = hbaMethod;
    this.passwordEncryption = passwordEncryption;
  }

  String hbaMethod() {
    return hbaMethod;
  }

  /** md5 logins need md5-hashed passwords; PostgreSQL stores what {@code password_encryption} says. */
  String passwordEncryption() {
    return passwordEncryption;
  }
}
