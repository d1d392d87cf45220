package org.postgresml.bench.report;

import java.util.Locale;

/** A target of an issue for a ratio (say CPU ≤ 1.0× PgBouncer), and whether a measured ratio meets it. */
public record Goal(String text, double bound, boolean atMost) {

  public static Goal atMost(double bound, String of) {
    return new Goal(String.format(Locale.ROOT, "≤ %.2f× %s", bound, of), bound, true);
  }

  /** An absolute bound on pgml-proxy's own figure (say ≤ 4 KiB per idle connection). */
  public static Goal absoluteAtMost(double bound, String unit) {
    return new Goal(String.format(Locale.ROOT, "≤ %s %s", trim(bound), unit), bound, true);
  }

  private static String trim(double value) {
    return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
  }

  public static Goal atLeast(double bound, String of) {
    return new Goal(String.format(Locale.ROOT, "≥ %.2f× %s", bound, of), bound, false);
  }

  /** "met", "**missed by 12%**" (how far the ratio is from the bound, relative to the bound), or "–". */
  public String verdict(double ratio) {
    if (Double.isNaN(ratio)) {
      return "–";
    }
    boolean met = atMost ? ratio <= bound : ratio >= bound;
    if (met) {
      return "met";
    }
    double by = atMost ? ratio / bound - 1 : 1 - ratio / bound;
    return String.format(Locale.ROOT, "**missed by %.0f%%**", 100 * by);
  }
}
