package org.postgresml.proxy.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a secret (a password, the fleet's key) from a mounted file: the one place secrets come in
 * from disk. A trailing newline, as editors and {@code echo} write, is not part of the secret, and
 * no message names the content, only the file.
 */
public final class SecretFile {

  private SecretFile() {}

  /**
   * The file's text less one trailing newline.
   *
   * @param what the secret's name in messages ("password file", "fleet secret file")
   */
  public static String read(String what, Path file) {
    if (!Files.isReadable(file)) {
      throw new ConfigException(what + " " + file + " is not a readable file");
    }
    try {
      return Files.readString(file).replaceAll("\\r?\\n$", "");
    } catch (IOException e) {
      // The JDK's reason names the file or the failure (e.g. "Input length = 1"), never the content.
      throw new ConfigException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new ConfigException("cannot read " + what + " " + file, e);
    }
  }
}
