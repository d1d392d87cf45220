package org.postgresml.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ComparisonTest {

  @Test
  void ratioIsTheMedianOfPerRoundRatios() {
    Comparison comparison = new Comparison("c", "TPS", List.of("direct", "pgbouncer"), Map.of());
    double[][] rounds = {{100, 300}, {50, 200}, {200, 500}}; // ratios 3, 4, 2.5
    for (double[] round : rounds) {
      comparison.add("direct", new Measurement(round[0], 1, Optional.empty()));
      comparison.add("pgbouncer", new Measurement(round[1], 1, Optional.empty()));
    }

    Stats ratio = comparison.ratio("pgbouncer", "direct");

    assertThat(ratio.median()).isEqualTo(3.0);
    assertThat(ratio.min()).isEqualTo(2.5);
    assertThat(ratio.max()).isEqualTo(4.0);
    assertThat(comparison.rate("pgbouncer").median()).isEqualTo(300.0);
  }

  @Test
  void failedRoundsAreLeftOutAndReported() {
    Comparison comparison = new Comparison("c", "TPS", List.of("direct", "pgbouncer"), Map.of());
    comparison.add("direct", new Measurement(100, 1, Optional.empty()));
    comparison.add("pgbouncer", Measurement.failed("prepared statement \"P_0\" already exists"));
    comparison.add("direct", new Measurement(120, 1, Optional.empty()));
    comparison.add("pgbouncer", new Measurement(240, 1, Optional.empty()));

    assertThat(comparison.ratio("pgbouncer", "direct").median()).isEqualTo(2.0);
    assertThat(comparison.ratio("pgbouncer", "direct").count()).isEqualTo(1);
    assertThat(comparison.failure("pgbouncer")).contains(
        "failed in 1 of 2 rounds: prepared statement \"P_0\" already exists");
    assertThat(comparison.failure("direct")).isEmpty();
  }

  @Test
  void tableShowsSkippedTargetsWithTheirReason() {
    Comparison comparison = new Comparison("select-only", "TPS", List.of("direct"),
        Map.of("pgml-proxy", "no pgml-proxy jar at proxy/target/pgml-proxy.jar"));
    comparison.add("direct", new Measurement(100, 1, Optional.empty()));

    assertThat(MarkdownWriter.table(comparison))
        .contains("| pgml-proxy | skipped | | | | no pgml-proxy jar at proxy/target/pgml-proxy.jar |");
  }

  @Test
  void tableWithTheBaselineHasItsRatioColumnAndTimedRoundsHaveP99() {
    Comparison comparison = new Comparison("login", "logins/s", List.of("pgbouncer", "pgml-proxy@16c52fa",
        "pgml-proxy"), Map.of());
    comparison.add("pgbouncer", Measurement.timed(List.of(2.0, 2.0, 4.0), 1.0, Map.of()));
    comparison.add("pgml-proxy@16c52fa", Measurement.timed(List.of(4.0, 4.0, 8.0), 0.5, Map.of()));
    comparison.add("pgml-proxy", Measurement.timed(List.of(3.0, 3.0, 6.0), 0.75, Map.of()));

    String table = MarkdownWriter.table(comparison, Optional.of("pgml-proxy@16c52fa"));

    assertThat(table)
        .contains("| target | logins/s median (min–max) | latency ms (p50) | p99 ms | × direct | × PgBouncer"
            + " | × pgml-proxy@16c52fa | note |")
        .contains("| pgml-proxy | 4.0 | 3.00 | 6.00 | – | 1.33× | 0.67× |  |");
    assertThat(comparison.latencyRatio("pgml-proxy", "pgbouncer").median()).isEqualTo(1.5);
    assertThat(MarkdownWriter.table(comparison, Optional.of("absent"))).doesNotContain("× absent");
  }
}
