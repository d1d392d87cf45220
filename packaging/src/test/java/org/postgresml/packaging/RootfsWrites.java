package org.postgresml.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a container changed in its root filesystem, seen from the host (vfs keeps a container's
 * root as a plain directory): files and directories added, removed or rewritten anywhere but the
 * mount points the runtime fills itself. Backs the read-only root the container runs with: a write
 * that got past it (e.g. into {@code /run}, which buildah keeps writable for its own bookkeeping)
 * still fails the test. Directory timestamps are ignored (buildah touches {@code /run}); their
 * entries are compared.
 */
final class RootfsWrites {

  /** Filled by the runtime (proc, sysfs, devices) or mounted (tmpfs /tmp), not the image's layer. */
  private static final Set<String> RUNTIME_MOUNTS = Set.of("/proc", "/sys", "/dev", "/tmp");

  private record Entry(boolean directory, long size, FileTime modified, Object inode) {
  }

  private final Path root;
  private final Map<String, Entry> before;

  private RootfsWrites(Path root, Map<String, Entry> before) {
    this.root = root;
    this.before = before;
  }

  static RootfsWrites snapshot(Path root) {
    return new RootfsWrites(root, scan(root));
  }

  /** "added /x", "changed /y", "removed /z" since the snapshot, sorted. */
  List<String> sinceSnapshot() {
    Map<String, Entry> after = scan(root);
    List<String> changes = new ArrayList<>();
    after.forEach((path, entry) -> {
      Entry old = before.get(path);
      if (old == null) {
        changes.add("added " + path);
      } else if (!entry.directory() && !entry.equals(old)) {
        changes.add("changed " + path);
      }
    });
    before.keySet().stream().filter(path -> !after.containsKey(path)).forEach(path -> changes.add("removed " + path));
    changes.sort(null);
    return changes;
  }

  private static Map<String, Entry> scan(Path root) {
    Map<String, Entry> entries = new HashMap<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
          String path = inImage(root, dir);
          if (RUNTIME_MOUNTS.contains(path)) {
            return FileVisitResult.SKIP_SUBTREE;
          }
          entries.put(path, new Entry(true, 0, null, null));
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
          entries.put(inImage(root, file), new Entry(false, attributes.size(),
              attributes.lastModifiedTime(), Objects.requireNonNullElse(attributes.fileKey(), "")));
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  private static String inImage(Path root, Path file) {
    return "/" + root.relativize(file);
  }
}
