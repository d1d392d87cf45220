package org.postgresml.proxy.auth;

import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.ScramMechanism;
import com.ongres.scram.common.StringPreparation;

/**
 * What a SCRAM-SHA-256 server keeps of a password (RFC 5802 section 3): salt, iterations, StoredKey
 * and ServerKey. Computed once per user at start, so a login costs no PBKDF2 on the event loop.
 */
public record ScramCredentials(byte[] salt, int iterations, byte[] storedKey, byte[] serverKey) {

  public static final ScramMechanism MECHANISM = ScramMechanism.SCRAM_SHA_256;
  public static final int DEFAULT_ITERATIONS = 4096;

  public static ScramCredentials fromPassword(String password, byte[] salt, int iterations) {
    byte[] saltedPassword = ScramFunctions.saltedPassword(MECHANISM, StringPreparation.POSTGRESQL_PREPARATION,
        password.toCharArray(), salt, iterations);
    return new ScramCredentials(salt, iterations,
        ScramFunctions.storedKey(MECHANISM, ScramFunctions.clientKey(MECHANISM, saltedPassword)),
        ScramFunctions.serverKey(MECHANISM, saltedPassword));
  }

  @Override
  public String toString() {
    return "ScramCredentials[***]";
  }
}
