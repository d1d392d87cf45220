package org.postgresml.bench.run;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Samples a JVM's used heap with {@code jstat -gc} every 200 ms while something runs, to find its
 * peak: the JDK's own tool, no agent in the measured process.
 */
public final class HeapSampler implements AutoCloseable {

  private final Process jstat;
  private final Path output;

  private HeapSampler(Process jstat, Path output) {
    this.jstat = jstat;
    this.output = output;
  }

  public static HeapSampler start(long pid) {
    try {
      Path output = Files.createTempFile("pgml-bench-jstat-", ".txt");
      Path jstatBinary = Path.of(System.getProperty("java.home"), "bin", "jstat");
      Process process = new ProcessBuilder(jstatBinary.toString(), "-gc", Long.toString(pid), "200")
          .redirectErrorStream(true).redirectOutput(output.toFile()).start();
      return new HeapSampler(process, output);
    } catch (IOException e) {
      throw new IllegalStateException("could not start jstat: " + e.getMessage(), e);
    }
  }

  /** Growth of used heap (KiB): the highest sample minus the first one. */
  public OptionalDouble growthKib() {
    try {
      List<String> lines = Files.readAllLines(output);
      if (lines.size() < 3) {
        return OptionalDouble.empty();
      }
      List<String> header = List.of(lines.get(0).trim().split("\\s+"));
      int[] columns = {header.indexOf("S0U"), header.indexOf("S1U"), header.indexOf("EU"), header.indexOf("OU")};
      double first = Double.NaN;
      double max = 0;
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length != header.size() || fields[0].equals("S0C")) {
          continue;
        }
        double used = 0;
        for (int column : columns) {
          used += Double.parseDouble(fields[column]);
        }
        first = Double.isNaN(first) ? used : first;
        max = Math.max(max, used);
      }
      return Double.isNaN(first) ? OptionalDouble.empty() : OptionalDouble.of(max - first);
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  @Override
  public void close() {
    jstat.destroy();
    try {
      Files.deleteIfExists(output);
    } catch (IOException e) {
      output.toFile().deleteOnExit();
    }
  }

  /** Stops sampling but keeps the samples for {@link #growthKib()}. */
  public void stop() {
    jstat.destroy();
  }
}
