package org.postgresml.packaging;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** External programs the image tests run: to completion, output in a log file, failures quoting it. */
final class Processes {

  static final int TAIL_LINES = 40;

  private Processes() {
  }

  /**
   * Runs {@code command}; returns its output; a non-zero exit or a timeout fails with the log's tail.
   * {@code what} names it in a failure (never the whole command line: it may carry a password).
   */
  static String runLogged(String what, List<String> command, Path log, Duration timeout) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new AssertionError(what + " did not finish within " + timeout + "; " + tail(log));
      }
      String output = Buildah.readLog(log);
      if (process.exitValue() != 0) {
        throw new AssertionError(what + " exited with " + process.exitValue() + "; " + tail(log));
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + what, e);
    }
  }

  /** The last lines of a log, labelled with its path (the full output stays there). */
  static String tail(Path log) {
    List<String> lines = Buildah.readLog(log).lines().toList();
    return "last " + Math.min(TAIL_LINES, lines.size()) + " lines of " + log + ":\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
  }

  /** A command's program and subcommand, never its later arguments (they may carry a password). */
  static String describe(List<String> command) {
    String program = Path.of(command.get(0)).getFileName().toString();
    String subcommand = command.stream().skip(1).filter(word -> !word.startsWith("-") && !word.startsWith("/"))
        .findFirst().orElse("");
    return ("'" + program + " " + subcommand).strip() + "'";
  }

  /** True when {@code program} is an executable on the PATH. */
  static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }
}
