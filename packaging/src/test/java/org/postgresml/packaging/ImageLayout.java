package org.postgresml.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The proxy image's contract as docs/configuration.md states it ("Files in the container image"
 * and its "Ports:" line), read from the document so that the doc, the Dockerfile and the
 * operator cannot drift apart silently.
 */
record ImageLayout(List<String> paths, Set<Integer> ports) {

  private static final Pattern TABLE_PATH = Pattern.compile("^\\|\\s*`(/[^`]+)`\\s*\\|.*");
  private static final Pattern PORT = Pattern.compile("(\\d{2,5}) \\(");

  static ImageLayout fromConfigurationDoc() {
    List<String> lines;
    try {
      lines = Files.readAllLines(RepositoryLayout.configurationDoc());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> paths = new ArrayList<>();
    Set<Integer> ports = new LinkedHashSet<>();
    boolean inSection = false;
    for (String line : lines) {
      if (line.startsWith("## ")) {
        inSection = line.startsWith("## Files in the container image");
        continue;
      }
      if (!inSection) {
        continue;
      }
      var path = TABLE_PATH.matcher(line);
      if (path.matches()) {
        paths.add(path.group(1));
      }
      if (line.startsWith("Ports:")) {
        var port = PORT.matcher(line);
        while (port.find()) {
          ports.add(Integer.parseInt(port.group(1)));
        }
      }
    }
    if (paths.isEmpty() || ports.isEmpty()) {
      throw new AssertionError("docs/configuration.md lists no image paths or ports under \"Files in the container image\"");
    }
    return new ImageLayout(paths, ports);
  }

  String jar() {
    return paths.stream().filter(path -> path.endsWith(".jar")).findFirst()
        .orElseThrow(() -> new AssertionError("docs/configuration.md names no jar"));
  }

  /** Directories the image must provide as mount points (a listed file's parent counts). */
  List<String> directories() {
    return paths.stream()
        .filter(path -> !path.endsWith(".jar"))
        .map(path -> path.endsWith("/") ? path.substring(0, path.length() - 1) : path.substring(0, path.lastIndexOf('/')))
        .distinct()
        .toList();
  }
}
