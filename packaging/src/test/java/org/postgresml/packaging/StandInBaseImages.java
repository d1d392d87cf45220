package org.postgresml.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * Stand-ins for the Dockerfiles' base images {@code eclipse-temurin:17-jdk} and {@code :17-jre}.
 * No image registry is reachable from this machine (and no daemon runs), so the real Temurin images
 * cannot be pulled; instead mmdebstrap makes a root filesystem from Debian bookworm's packages
 * (OpenJDK 17 headless, ca-certificates, passwd for groupadd/useradd, apt) and buildah stores it
 * under the Temurin names, so the Dockerfiles build unchanged. Like the real images they have
 * {@code java} on the PATH, {@code JAVA_HOME} set, apt without package lists, and no tini: the
 * Dockerfile's own {@code apt-get install tini} must work, and a Dockerfile that forgets it fails.
 * apt inside serves from a local repository holding only the packages the Dockerfiles install, so
 * the image builds need no network.
 *
 * <p>The images are kept in the tests' buildah storage and rebuilt only when this definition
 * (packages, hook, suite) changes: its hash is a label. Making them downloads from Debian's mirror
 * once (about 1 minute); later runs reuse them.
 */
final class StandInBaseImages {

  static final String SUITE = "bookworm";
  /** What the Dockerfiles install with apt-get; the stand-ins' apt serves these from a local repository. */
  static final List<String> APT_PACKAGES = List.of("tini");
  static final String KEY_LABEL = "org.postgresml.stand-in.key";

  record Base(String image, List<String> packages) {
  }

  static final List<Base> BASES = List.of(
      new Base("docker.io/library/eclipse-temurin:17-jdk", List.of("openjdk-17-jdk-headless", "ca-certificates", "passwd")),
      new Base("docker.io/library/eclipse-temurin:17-jre", List.of("openjdk-17-jre-headless", "ca-certificates", "passwd")));

  /**
   * mmdebstrap's customize hook ($1: the new root): download the apt packages into a flat local
   * repository, index it, and make it apt's only source.
   */
  private static final String LOCAL_APT_HOOK = """
      set -e
      repo=/var/lib/pgml-stand-in-apt
      mkdir -p "$1$repo"
      chroot "$1" sh -c 'cd /var/lib/pgml-stand-in-apt && apt-get download -q "$@"' sh @PACKAGES@
      cd "$1$repo"
      for deb in *.deb; do
        dpkg-deb -f "$deb"
        echo "Filename: ./$deb"
        echo "Size: $(stat -c %s "$deb")"
        echo "SHA256: $(sha256sum "$deb" | cut -d ' ' -f 1)"
        echo
      done > Packages
      echo "deb [trusted=yes] file:$repo ./" > "$1/etc/apt/sources.list"
      rm -f "$1"/etc/apt/sources.list.d/*
      """.replace("@PACKAGES@", String.join(" ", APT_PACKAGES));

  private StandInBaseImages() {
  }

  /** Builds the stand-ins unless the storage already holds this definition of them. */
  static void ensure(Buildah buildah, Path logs) {
    String key = key();
    try {
      Files.createDirectories(buildah.storage());
      Files.createDirectories(logs);
      try (FileChannel channel = FileChannel.open(buildah.storage().resolve("stand-in.lock"),
               StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock lock = channel.lock()) {
        for (Base base : BASES) {
          if (!current(buildah, base, key)) {
            build(buildah, base, key, logs);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean current(Buildah buildah, Base base, String key) {
    if (!buildah.imageExists(base.image())) {
      return false;
    }
    JsonNode labels = buildah.imageConfig(base.image()).path("Labels");
    return key.equals(labels.path(KEY_LABEL).asText());
  }

  private static void build(Buildah buildah, Base base, String key, Path logs) throws IOException {
    String name = base.image().substring(base.image().lastIndexOf(':') + 1);
    Path rootfs = buildah.storage().resolve("stand-in-" + name + ".tar");
    Path log = logs.resolve("stand-in-" + name + "-mmdebstrap.log");
    Path importLog = logs.resolve("stand-in-" + name + "-import.log");
    Path hook = Files.writeString(logs.resolve("stand-in-apt-hook.sh"), LOCAL_APT_HOOK);
    String container = null;
    try {
      Processes.runLogged("mmdebstrap (stand-in " + base.image() + ")", List.of("mmdebstrap", "--mode=root",
          "--variant=apt", "--include=" + String.join(",", base.packages()), "--customize-hook=sh " + hook + " \"$1\"",
          SUITE, rootfs.toString()), log, Duration.ofMinutes(15));
      // Named like BuiltImages' containers, so a run killed here leaves nothing the next one keeps.
      container = buildah.output("from", "--name", "pgml-it-" + ProcessHandle.current().pid() + "-stand-in-" + name,
          "scratch");
      buildah.run(importLog, "add", container, rootfs.toString(), "/");
      buildah.run(importLog, "config", "--env", "JAVA_HOME=" + javaHome(),
          "--env", "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
          // As Temurin's images carry their Ubuntu base's labels: the Dockerfiles must set their own.
          "--label", "org.opencontainers.image.ref.name=debian", "--label", "org.opencontainers.image.version=12",
          "--label", KEY_LABEL + "=" + key, container);
      buildah.run(importLog, "commit", "--rm", container, base.image());
      container = null; // commit --rm removed it
    } finally {
      Files.deleteIfExists(rootfs);
      if (container != null) {
        buildah.removeQuietly("rm", container);
      }
    }
  }

  /** Where Debian puts OpenJDK 17 (Temurin's images point JAVA_HOME at theirs). */
  private static String javaHome() {
    String arch = System.getProperty("os.arch");
    return "/usr/lib/jvm/java-17-openjdk-" + ("aarch64".equals(arch) ? "arm64" : "amd64");
  }

  /** A hash of everything that defines the stand-ins: change one and they are rebuilt. */
  static String key() {
    StringBuilder definition = new StringBuilder(SUITE).append('\n').append(LOCAL_APT_HOOK).append(javaHome());
    BASES.forEach(base -> definition.append('\n').append(base));
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(definition.toString().getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
