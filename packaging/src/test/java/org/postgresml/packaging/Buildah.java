package org.postgresml.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's buildah, driven as root with {@code --storage-driver vfs} (no overlay or fuse needed) and
 * {@code --isolation chroot} (no OCI runtime or cgroup setup needed), on a storage root of its own
 * so the tests never touch a user's images. No daemon, no registry: base images come from
 * {@link StandInBaseImages}.
 */
final class Buildah {

  private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(15);

  private final Path storage;

  Buildah(Path storage) {
    this.storage = storage;
  }

  Path storage() {
    return storage;
  }

  /** {@code buildah <storage options> args...}, as a command line for a process. */
  List<String> command(String... args) {
    List<String> command = new ArrayList<>(List.of("buildah",
        "--root", storage.resolve("root").toString(),
        "--runroot", storage.resolve("runroot").toString(),
        "--storage-driver", "vfs"));
    command.addAll(List.of(args));
    return command;
  }

  /** Runs buildah to completion; its output goes to {@code log}; a failure quotes the log's tail. */
  String run(Path log, String... args) {
    return Processes.runLogged("buildah " + args[0], command(args), log, COMMAND_TIMEOUT);
  }

  /** Runs buildah to completion with the output kept in memory (short answers: ids, JSON, paths). */
  String output(String... args) {
    try {
      Path log = Files.createTempFile("buildah", ".log");
      try {
        return run(log, args).strip();
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean imageExists(String image) {
    try {
      Process process = new ProcessBuilder(command("inspect", "--type", "image", image))
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("buildah inspect " + image + " did not answer within 2 minutes");
      }
      return process.exitValue() == 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** The image's OCI config ({@code User}, {@code Entrypoint}, {@code ExposedPorts}, {@code Labels}...). */
  JsonNode imageConfig(String image) {
    try {
      return new ObjectMapper().readTree(output("inspect", "--type", "image", image)).path("OCIv1").path("config");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The image's size as buildah reports it ("412 MB": uncompressed layers). */
  String imageSize(String image) {
    try {
      JsonNode images = new ObjectMapper().readTree(output("images", "--json", image));
      return images.get(0).path("size").asText();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Removes images or containers by name, quietly: cleanup must not hide a test's own failure. */
  void removeQuietly(String kind, String name) {
    try {
      Process process = new ProcessBuilder(command(kind, name)).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
      }
    } catch (IOException e) {
      System.err.println("could not remove " + name + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static String readLog(Path log) {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
