package org.postgresml.bench.report;

import java.util.List;
import java.util.Locale;

/** Median, min and max of a few repeated measurements. */
public record Stats(double median, double min, double max, int count) {

  public static Stats of(List<Double> values) {
    List<Double> sorted = values.stream().filter(v -> !v.isNaN() && !v.isInfinite()).sorted().toList();
    if (sorted.isEmpty()) {
      return new Stats(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    int n = sorted.size();
    double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    return new Stats(median, sorted.get(0), sorted.get(n - 1), n);
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** "median (min–max)" with the given number of decimals. */
  public String format(int decimals) {
    if (isEmpty()) {
      return "–";
    }
    String pattern = "%." + decimals + "f";
    String median = String.format(Locale.ROOT, pattern, this.median);
    if (count == 1) {
      return median;
    }
    return median + " (" + String.format(Locale.ROOT, pattern, min) + "–" + String.format(Locale.ROOT, pattern, max)
        + ")";
  }

  /** A ratio as "1.23×" with its spread. */
  public String formatRatio() {
    if (isEmpty()) {
      return "–";
    }
    String median = String.format(Locale.ROOT, "%.2f×", this.median);
    return count == 1 ? median : median + String.format(Locale.ROOT, " (%.2f–%.2f)", min, max);
  }
}
