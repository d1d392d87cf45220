package org.postgresml.operator.validation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A one-way digest of a Secret value: it changes with the value and does not reveal it. It only
 * enters the config hash (itself a digest) of the pod template, which people who may not read
 * Secrets can see; the values it covers are a generated or cloud-issued password, a private key
 * and a CA certificate, none guessable offline. A short, human-chosen password would be: use a
 * long random one (docs/operator.md says so).
 */
final class SecretDigest {

  private SecretDigest() {
  }

  static String of(String value) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
