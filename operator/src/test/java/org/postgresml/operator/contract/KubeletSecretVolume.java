package org.postgresml.operator.contract;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A Secret volume laid out as the kubelet lays it out (its AtomicWriter): the files in a
 * timestamped directory, {@code ..data} a symlink to it, and each file a symlink through
 * {@code ..data}. An update writes a new directory and swaps {@code ..data} with one rename, so a
 * reader sees the old files or the new ones, never a mix; this is how a changed config Secret reaches
 * a running pod (a subPath mount would never see it).
 */
final class KubeletSecretVolume {

  private static final String DATA = "..data";
  private static final AtomicInteger VERSIONS = new AtomicInteger();

  private KubeletSecretVolume() {
  }

  /** Writes (or replaces) the volume's files at {@code dir}. */
  static void write(Path dir, Map<String, String> files) throws IOException {
    Files.createDirectories(dir);
    Path version = dir.resolve("..2026_12_01_00_00_00." + VERSIONS.incrementAndGet());
    Files.createDirectory(version);
    for (Map.Entry<String, String> file : files.entrySet()) {
      Files.writeString(version.resolve(file.getKey()), file.getValue());
    }
    Path previous = Files.isSymbolicLink(dir.resolve(DATA)) ? dir.resolve(Files.readSymbolicLink(dir.resolve(DATA)))
        : null;
    Path next = dir.resolve("..data_tmp");
    Files.deleteIfExists(next);
    Files.createSymbolicLink(next, version.getFileName());
    Files.move(next, dir.resolve(DATA), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String name : files.keySet()) {
      Path visible = dir.resolve(name);
      if (!Files.isSymbolicLink(visible)) {
        Files.createSymbolicLink(visible, Path.of(DATA, name));
      }
    }
    if (previous != null) {
      try (Stream<Path> old = Files.walk(previous)) {
        for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
  }
}
