package org.postgresml.proxy.prepared;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.postgresml.proxy.protocol.frontend.Parse;

/**
 * Names the proxy gives prepared statements on server connections. The same query text and
 * parameter types get the same name on every connection and every replica (a hash), so a server
 * connection prepares each statement once, whichever client asked for it.
 */
public final class StatementNames {

  private static final String PREFIX = "pgml_proxy_";

  private StatementNames() {}

  public static String of(Parse parse) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(parse.query().getBytes(StandardCharsets.UTF_8));
      ByteBuffer types = ByteBuffer.allocate(4 * parse.parameterTypes().length + 4);
      types.putInt(parse.parameterTypes().length);
      for (int type : parse.parameterTypes()) {
        types.putInt(type);
      }
      digest.update(types.array());
      return PREFIX + HexFormat.of().formatHex(digest.digest(), 0, 10);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** A name that never exists: closing it yields a CloseComplete and changes nothing. */
  static String nothing() {
    return PREFIX + "none";
  }
}
