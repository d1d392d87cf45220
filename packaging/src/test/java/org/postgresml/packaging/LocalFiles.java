package org.postgresml.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Small file-tree helpers for the packaging tests. */
final class LocalFiles {

  private LocalFiles() {
  }

  static Path copy(Path source, Path target) throws IOException {
    try (Stream<Path> paths = Files.walk(source)) {
      for (Path path : (Iterable<Path>) paths::iterator) {
        Path destination = target.resolve(source.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(destination);
        } else {
          Files.copy(path, destination);
        }
      }
    }
    return target;
  }

  /** Regular files under {@code directory} whose names end with one of {@code suffixes}, sorted. */
  static List<Path> files(Path directory, String... suffixes) {
    try (Stream<Path> paths = Files.walk(directory)) {
      return paths.filter(Files::isRegularFile)
          .filter(path -> Stream.of(suffixes).anyMatch(path.getFileName().toString()::endsWith))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
