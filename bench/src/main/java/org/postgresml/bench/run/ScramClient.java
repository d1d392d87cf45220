package org.postgresml.bench.run;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client side of one SCRAM-SHA-256 exchange (RFC 5802/7677) without channel binding, as libpq
 * makes it ({@code n,,n=,r=…}): the user name is in the startup message, so the SCRAM one is empty.
 * The key is derived from the password at every login, as libpq does, and the time it took is kept
 * so a login's time can be told apart from the client's own work.
 */
public final class ScramClient {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final String password;
  private final String clientNonce;
  private final String clientFirstBare;
  private byte[] saltedPassword;
  private String authMessage;
  private long derivationNanos;

  public ScramClient(String password) {
    this(password, randomNonce(), "");
  }

  ScramClient(String password, String clientNonce, String user) {
    this.password = password;
    this.clientNonce = clientNonce;
    this.clientFirstBare = "n=" + user + ",r=" + clientNonce;
  }

  public String clientFirstMessage() {
    return "n,," + clientFirstBare;
  }

  /** The client-final message for the server's first message; derives the salted password. */
  public String clientFinalMessage(String serverFirst) {
    Map<Character, String> fields = fields(serverFirst);
    String nonce = fields.get('r');
    if (nonce == null || !nonce.startsWith(clientNonce) || fields.get('s') == null || fields.get('i') == null) {
      throw new IllegalStateException("unexpected SCRAM server-first message: " + serverFirst);
    }
    byte[] salt = Base64.getDecoder().decode(fields.get('s'));
    int iterations = Integer.parseInt(fields.get('i'));
    long start = System.nanoTime();
    saltedPassword = pbkdf2(password, salt, iterations);
    derivationNanos = System.nanoTime() - start;
    String withoutProof = "c=biws,r=" + nonce;
    authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientKey = hmac(saltedPassword, "Client Key");
    byte[] storedKey = sha256(clientKey);
    byte[] signature = hmac(storedKey, authMessage);
    byte[] proof = new byte[clientKey.length];
    for (int i = 0; i < proof.length; i++) {
      proof[i] = (byte) (clientKey[i] ^ signature[i]);
    }
    return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
  }

  /** Checks the server's signature: a server that does not know the key must not pass for one that does. */
  public void verifyServerFinal(String serverFinal) {
    String expected = "v=" + Base64.getEncoder().encodeToString(hmac(hmac(saltedPassword, "Server Key"), authMessage));
    if (!expected.equals(serverFinal.trim())) {
      throw new IllegalStateException("SCRAM server signature does not match: " + serverFinal);
    }
  }

  /** How long the client's own key derivation (PBKDF2) took in this exchange. */
  public long derivationNanos() {
    return derivationNanos;
  }

  private static Map<Character, String> fields(String message) {
    Map<Character, String> fields = new HashMap<>();
    for (String part : message.split(",")) {
      if (part.length() >= 2 && part.charAt(1) == '=') {
        fields.put(part.charAt(0), part.substring(2));
      }
    }
    return fields;
  }

  private static byte[] pbkdf2(String password, byte[] salt, int iterations) {
    try {
      SecretKeyFactory factory = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
      return factory.generateSecret(new PBEKeySpec(password.toCharArray(), salt, iterations, 256)).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String randomNonce() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }
}
