package org.postgresml.proxy.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** PostgreSQL's md5 password answer: "md5" + md5hex(md5hex(password + user) + salt). */
public final class Md5Password {

  private Md5Password() {}

  public static String answer(String user, String password, byte[] salt) {
    String inner = hex(concat(password.getBytes(StandardCharsets.UTF_8), user.getBytes(StandardCharsets.UTF_8)));
    return "md5" + hex(concat(inner.getBytes(StandardCharsets.US_ASCII), salt));
  }

  /** Compares in constant time, so the answer's timing tells nothing. */
  public static boolean matches(String user, String password, byte[] salt, String clientAnswer) {
    return MessageDigest.isEqual(answer(user, password, salt).getBytes(StandardCharsets.US_ASCII),
        clientAnswer.getBytes(StandardCharsets.US_ASCII));
  }

  private static String hex(byte[] input) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(input));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is part of every Java runtime", e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = new byte[a.length + b.length];
    System.arraycopy(a, 0, joined, 0, a.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
