package org.postgresml.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * proxy/Dockerfile and operator/Dockerfile built once per test run with {@code buildah bud}, exactly
 * as they are, from the repository root (the build context the Dockerfiles name). The in-image
 * Maven build reads the host's local Maven repository and wrapper distribution, mounted read-only,
 * with a settings file that makes it offline: the build needs no network, and a dependency the
 * host's build never fetched fails loudly instead of downloading. The images are tagged with this
 * JVM's pid and removed when the test run ends; leftovers of a killed run are removed at the next.
 */
final class BuiltImages implements ExtensionContext.Store.CloseableResource {

  static final String PROXY = "proxy";
  static final String OPERATOR = "operator";
  private static final Pattern OUR_TAG = Pattern.compile("localhost/pgml-proxy(-operator)?:it-(\\d+)");
  private static final Pattern OUR_CONTAINER = Pattern.compile("pgml-it-(\\d+)-.*");

  private final Buildah buildah;
  private final Path work;
  private final long pid = ProcessHandle.current().pid();
  private final List<String> built = new ArrayList<>();

  private BuiltImages(Buildah buildah, Path work) {
    this.buildah = buildah;
    this.work = work;
  }

  /** Builds both images (and the stand-in bases if needed); logs go to packaging/target/images. */
  static BuiltImages build() {
    Path work = RepositoryLayout.root().resolve("packaging").resolve("target").resolve("images");
    Buildah buildah = new Buildah(storage());
    BuiltImages images = new BuiltImages(buildah, work);
    images.removeLeftoversOfDeadRuns();
    StandInBaseImages.ensure(buildah, work);
    try {
      images.buildImage(PROXY);
      images.buildImage(OPERATOR);
    } catch (RuntimeException | Error e) {
      images.close();
      throw e;
    }
    return images;
  }

  /** Where buildah keeps its images and containers (with the stand-in bases cached between runs). */
  static Path storage() {
    return Path.of(System.getProperty("pgml.images.storage", "/var/tmp/pgml-proxy-images"));
  }

  Buildah buildah() {
    return buildah;
  }

  Path work() {
    return work;
  }

  /** The built image of a module ({@link #PROXY} or {@link #OPERATOR}). */
  String image(String module) {
    return "localhost/" + imageName(module) + ":it-" + pid;
  }

  /** A container name that the next run can tell belongs to this (possibly dead) JVM. */
  String containerName(String purpose) {
    return "pgml-it-" + pid + "-" + purpose;
  }

  private static String imageName(String module) {
    return PROXY.equals(module) ? "pgml-proxy" : "pgml-proxy-" + module;
  }

  private void buildImage(String module) throws UncheckedIOException {
    Path root = RepositoryLayout.root();
    List<String> args = new ArrayList<>(List.of("bud", "--isolation", "chroot", "--pull=never"));
    args.addAll(mavenMounts());
    args.addAll(List.of("-f", root.resolve(module).resolve("Dockerfile").toString(), "-t", image(module),
        root.toString()));
    built.add(image(module));
    long started = System.nanoTime();
    buildah.run(work.resolve(module + "-image-build.log"), args.toArray(String[]::new));
    System.out.printf("built %s from %s/Dockerfile in %d s%n", image(module), module,
        Duration.ofNanos(System.nanoTime() - started).toSeconds());
  }

  /** -v options giving the in-image Maven build the host's repository and wrapper, offline. */
  private List<String> mavenMounts() {
    try {
      Files.createDirectories(work);
      Path settings = Files.writeString(work.resolve("offline-maven-settings.xml"),
          "<settings><offline>true</offline></settings>\n");
      Path repository = Path.of(System.getProperty("pgml.maven.localRepository",
          Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
      Path userHome = Optional.ofNullable(System.getenv("MAVEN_USER_HOME")).map(Path::of)
          .orElse(Path.of(System.getProperty("user.home"), ".m2"));
      List<String> mounts = new ArrayList<>(List.of(
          "-v", repository + ":/root/.m2/repository:ro",
          "-v", settings + ":/root/.m2/settings.xml:ro"));
      if (Files.isDirectory(userHome.resolve("wrapper"))) {
        mounts.addAll(List.of("-v", userHome.resolve("wrapper") + ":/root/.m2/wrapper:ro"));
      }
      return mounts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Images and containers tagged with the pid of a JVM that no longer runs (a killed test run). */
  private void removeLeftoversOfDeadRuns() {
    if (!Files.isDirectory(storage().resolve("root"))) {
      return;
    }
    try {
      ObjectMapper json = new ObjectMapper();
      for (JsonNode container : json.readTree(buildah.output("containers", "--json"))) {
        Matcher matcher = OUR_CONTAINER.matcher(container.path("containername").asText());
        if (matcher.matches() && isDead(matcher.group(1))) {
          buildah.removeQuietly("rm", matcher.group());
        }
      }
      for (JsonNode image : json.readTree(buildah.output("images", "--json"))) {
        for (JsonNode name : image.path("names")) {
          Matcher matcher = OUR_TAG.matcher(name.asText());
          if (matcher.matches() && isDead(matcher.group(2))) {
            buildah.removeQuietly("rmi", matcher.group());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean isDead(String otherPid) {
    long other = Long.parseLong(otherPid);
    return other != pid && ProcessHandle.of(other).map(handle -> !handle.isAlive()).orElse(true);
  }

  /** Removes this run's images (JUnit calls it when the whole test run ends). */
  @Override
  public void close() {
    for (String image : built) {
      buildah.removeQuietly("rmi", image);
    }
  }
}
