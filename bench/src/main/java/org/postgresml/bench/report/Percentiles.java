package org.postgresml.bench.report;

import java.util.List;
import java.util.Locale;

/**
 * Nearest-rank percentiles of individually timed operations (logins, calls): p50 is the value half
 * of the operations took at most, p99 the one 99% took at most; with fewer than 100 samples p99 is
 * the slowest, and says so by its count.
 */
public record Percentiles(double p50, double p99, double max, int count) {

  public static Percentiles of(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).filter(v -> !Double.isNaN(v)).sorted()
        .toArray();
    if (sorted.length == 0) {
      return new Percentiles(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    return new Percentiles(rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1], sorted.length);
  }

  /** The smallest value with at least {@code q} of all values at or below it. */
  static double rank(double[] sorted, double q) {
    int index = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  public boolean isEmpty() {
    return count == 0;
  }

  public String format(double value, int decimals) {
    return isEmpty() || Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", value);
  }
}
