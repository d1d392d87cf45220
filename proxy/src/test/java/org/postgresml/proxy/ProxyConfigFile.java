package org.postgresml.proxy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A YAML config file for settings that have no flag (timeouts); removed when the JVM exits. */
public final class ProxyConfigFile {

  private ProxyConfigFile() {
  }

  public static Path write(String yaml) {
    try {
      Path file = Files.createTempFile("pgml-proxy-", ".yaml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
