package org.postgresml.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The machine's PostgreSQL client programs ({@code psql}, {@code pgbench}), run as real clients.
 * They come from Debian's {@code postgresql-client}; {@code .ci/run} installs it where missing.
 */
public final class ClientPrograms {

  private ClientPrograms() {}

  /** The program on PATH, or in the newest {@code /usr/lib/postgresql/N/bin}. */
  public static Optional<Path> find(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    Path debian = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(debian)) {
      try (Stream<Path> versions = Files.list(debian)) {
        return versions.map(version -> version.resolve("bin").resolve(program)).filter(Files::isExecutable)
            .max(Comparator.comparing(Path::toString));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  public static Path require(String program) {
    return find(program).orElseThrow(() -> new IllegalStateException(
        program + " not found on PATH or under /usr/lib/postgresql (install Debian's postgresql-client)"));
  }

  /**
   * Runs a client program to its end.
   *
   * @param environment extra environment (PGPASSWORD, PGSSLMODE, …)
   */
  public static Result run(List<String> command, Map<String, String> environment, Duration timeout) {
    try {
      Path out = Files.createTempFile("pgml-client-", ".out");
      Path err = Files.createTempFile("pgml-client-", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
            .redirectOutput(out.toFile()).redirectError(err.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          throw new IllegalStateException(command.get(0) + " did not finish within " + timeout + "; stderr: "
              + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not run " + command.get(0), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + command.get(0), e);
    }
  }

  /** Exit code and captured output of a finished client program. */
  public record Result(int exitCode, String stdout, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }
  }
}
