package org.postgresml.bench;

import java.time.Duration;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Report;
import org.postgresml.bench.report.RunSummary;
import org.postgresml.bench.report.SummaryRow;

/** Writes the run's summary (issue 17's figures and goals, the physical limit, issue 18's cache) first in the report. */
final class Summaries {

  private Summaries() {}

  /** Adds the summary section and returns its markdown (README's generated block is made from it). */
  static String write(Report report, BenchSettings settings, Figures figures) {
    RunSummary summary = new RunSummary(figures, report.baseline());
    Duration connectRtt = settings.connectRoundTrips().stream().filter(d -> d.toMillis() == 10).findFirst()
        .orElse(Duration.ofMillis(10));
    Duration dblinkRtt = settings.dblinkRoundTrips().stream().filter(d -> d.toMillis() == 20).findFirst()
        .orElse(Duration.ofMillis(20));
    StringBuilder out = new StringBuilder();
    var rows = summary.issue17Rows(settings.selectOnlyClients(), connectRtt, dblinkRtt, settings.dblinkCallers());
    if (!rows.isEmpty()) {
      out.append("Issue 17's figures: medians over rounds; ratios are pgml-proxy's median per-round ratio (a figure"
          + " divided by the other target's in the same round: CPU and latencies lower is better, TPS higher).\n\n")
          .append(SummaryRow.table(rows, summary.targets(), "pgml-proxy", report.baseline())).append('\n');
    }
    String limit = summary.limitTable(dblinkRtt, settings.dblinkCallers());
    if (!limit.isEmpty()) {
      out.append(limit).append('\n');
    }
    String cache = summary.cacheTable(settings.cacheHitPercents(), settings.cacheCallers());
    if (!cache.isEmpty()) {
      out.append("Issue 18's cache: the dblink call across ").append(settings.cacheRoundTrip().toMillis())
          .append(" ms with repeated texts (hit ratio wanted, and measured at the upstream); the goal: a cached call"
              + " ≤ 1.2× the local login it pays: the same callers' dblink logins in the repeated texts' places of"
              + " the same rounds' sequences, so timed after a miss's round trip as often as those calls were"
              + " (the back-to-back dblink logins and the raw client's login p50 beside it; see the cache"
              + " scenario's section).\n\n").append(cache).append('\n');
    }
    String markdown = out.toString().strip();
    if (!markdown.isEmpty()) {
      report.sectionFirst("Summary").text(markdown);
    }
    return markdown;
  }
}
