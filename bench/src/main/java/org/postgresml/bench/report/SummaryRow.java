package org.postgresml.bench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One line of a run's summary: a figure (CPU per transaction, select-only TPS, a login's p50, …) per
 * target, pgml-proxy's ratio to PgBouncer and to the "before" jar, and the goal with its verdict.
 */
public record SummaryRow(String figure, Map<String, String> values, Stats versusPgBouncer, Stats versusBaseline,
    Optional<Goal> goal, double goalRatio) {

  public SummaryRow {
    values = new LinkedHashMap<>(values);
  }

  /**
   * A row from one comparison.
   *
   * @param latency the figure is the latency (lower is better for a login or a call), else the rate
   * @param goalRatio the ratio the goal is judged on; NaN: pgml-proxy's median ratio to PgBouncer
   */
  public static SummaryRow of(String figure, Comparison comparison, boolean latency, int decimals,
      List<String> targets, String proxy, Optional<String> baseline, Optional<Goal> goal, double goalRatio) {
    Map<String, String> values = new LinkedHashMap<>();
    for (String target : targets) {
      Stats stats = latency ? comparison.latency(target) : comparison.rate(target);
      values.put(target, stats.isEmpty() ? (comparison.skipped().containsKey(target) ? "skipped" : "–")
          : String.format(Locale.ROOT, "%." + decimals + "f", stats.median()));
    }
    Stats pgbouncer = latency ? comparison.latencyRatio(proxy, "pgbouncer") : comparison.ratio(proxy, "pgbouncer");
    Stats before = baseline.map(name -> latency ? comparison.latencyRatio(proxy, name) : comparison.ratio(proxy, name))
        .orElse(Stats.of(List.of()));
    double judged = Double.isNaN(goalRatio) ? pgbouncer.median() : goalRatio;
    return new SummaryRow(figure, values, pgbouncer, before, goal, judged);
  }

  public String verdict() {
    return goal.map(g -> g.text() + ": " + g.verdict(goalRatio)).orElse("");
  }

  /** The markdown table of rows, one column per target, then the ratios and the goals. */
  public static String table(List<SummaryRow> rows, List<String> targets, String proxy, Optional<String> baseline) {
    StringBuilder out = new StringBuilder("| figure | ");
    out.append(String.join(" | ", targets)).append(" | ").append(proxy).append(" × PgBouncer");
    baseline.ifPresent(name -> out.append(" | ").append(proxy).append(" × ").append(name));
    out.append(" | goal |\n|---|").append("---:|".repeat(targets.size() + 1 + (baseline.isPresent() ? 1 : 0)))
        .append("---|\n");
    for (SummaryRow row : rows) {
      out.append("| ").append(row.figure());
      for (String target : targets) {
        out.append(" | ").append(row.values().getOrDefault(target, "–"));
      }
      out.append(" | ").append(row.versusPgBouncer().formatRatio());
      baseline.ifPresent(name -> out.append(" | ").append(row.versusBaseline().formatRatio()));
      out.append(" | ").append(row.verdict()).append(" |\n");
    }
    return out.toString();
  }
}
