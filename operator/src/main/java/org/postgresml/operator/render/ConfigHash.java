package org.postgresml.operator.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The pod-template annotation value that rolls the pods exactly when what they run with changes:
 * the rendered configuration and the values of the Secret keys they read (env or mounted files), by
 * digest; a Secret's metadata (its resourceVersion, annotations, labels) does not count.
 */
public final class ConfigHash {

  private ConfigHash() {
  }

  public static String of(String configYaml, Map<String, String> secretDigests) {
    MessageDigest sha256 = sha256();
    sha256.update(configYaml.getBytes(StandardCharsets.UTF_8));
    // RenderInputs keeps the digests sorted by Secret and key, so the order is stable.
    secretDigests.forEach((key, digest) ->
        sha256.update(("\0" + key + "=" + digest).getBytes(StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(sha256.digest()).substring(0, 32);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
