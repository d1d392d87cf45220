package org.postgresml.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SummaryRowTest {

  private static Measurement rate(double rate, double latency) {
    return new Measurement(rate, latency, Optional.empty());
  }

  @Test
  void goalsSayByHowMuchTheyAreMissed() {
    assertThat(Goal.atMost(1.0, "PgBouncer").verdict(0.97)).isEqualTo("met");
    assertThat(Goal.atMost(1.0, "PgBouncer").verdict(1.34)).isEqualTo("**missed by 34%**");
    assertThat(Goal.atLeast(1.1, "x").verdict(0.88)).isEqualTo("**missed by 20%**");
    assertThat(Goal.atLeast(1.1, "x").verdict(1.1)).isEqualTo("met");
    assertThat(Goal.atMost(1.0, "x").verdict(Double.NaN)).isEqualTo("–");
  }

  @Test
  void cpuRowHasEveryTargetAndPerRoundRatiosToPgBouncerAndTheBaseline() {
    Comparison cpu = new Comparison("cpu", "µs", List.of("pgbouncer", "pgml-proxy@16c52fa", "pgml-proxy"), Map.of());
    double[][] rounds = {{16, 24, 20}, {17, 23, 17}, {20, 30, 22}}; // proxy/pgbouncer 1.25, 1.0, 1.1
    for (double[] round : rounds) {
      cpu.add("pgbouncer", rate(round[0], 1));
      cpu.add("pgml-proxy@16c52fa", rate(round[1], 1));
      cpu.add("pgml-proxy", rate(round[2], 1));
    }
    Figures figures = new Figures();
    figures.put(Figures.cpu("session"), cpu);
    RunSummary summary = new RunSummary(figures, Optional.of("pgml-proxy@16c52fa"));

    List<SummaryRow> rows = summary.issue17Rows(List.of(16), Duration.ofMillis(10), Duration.ofMillis(20), List.of(1));

    assertThat(rows).hasSize(1);
    SummaryRow row = rows.get(0);
    assertThat(row.values()).containsEntry("pgbouncer", "17.0").containsEntry("pgml-proxy", "20.0")
        .containsEntry("direct", "–");
    assertThat(row.versusPgBouncer().median()).isEqualTo(1.1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(row.versusBaseline().median()).isEqualTo(17.0 / 23, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(row.verdict()).isEqualTo("≤ 1.00× PgBouncer: **missed by 10%**");
    assertThat(SummaryRow.table(rows, summary.targets(), "pgml-proxy", Optional.of("pgml-proxy@16c52fa")))
        .contains("| figure | direct | pgbouncer | pgml-proxy@16c52fa | pgml-proxy | pgml-proxy × PgBouncer"
            + " | pgml-proxy × pgml-proxy@16c52fa | goal |")
        .contains("| CPU µs per select-only transaction, session | – | 17.0 | 24.0 | 20.0 | 1.10× (1.00–1.25)"
            + " | 0.74× (0.73–0.83) | ≤ 1.00× PgBouncer: **missed by 10%** |");
  }

  @Test
  void connectPerCallIsJudgedAgainstPgBouncersTransactionMode() {
    Figures figures = new Figures();
    Comparison session = new Comparison("s", "TPS", List.of("pgbouncer", "pgml-proxy"), Map.of());
    session.add("pgbouncer", rate(250, 1));
    session.add("pgml-proxy", rate(460, 1)); // 1.15× PgBouncer's transaction mode, 1.84× its session mode
    Comparison transaction = new Comparison("t", "TPS", List.of("pgbouncer", "pgml-proxy"), Map.of());
    transaction.add("pgbouncer", rate(400, 1));
    transaction.add("pgml-proxy", rate(400, 1));
    figures.put(Figures.connect(Duration.ofMillis(10), "session"), session);
    figures.put(Figures.connect(Duration.ofMillis(10), "transaction"), transaction);

    List<SummaryRow> rows = new RunSummary(figures, Optional.empty())
        .issue17Rows(List.of(), Duration.ofMillis(10), Duration.ofMillis(20), List.of());

    assertThat(rows).extracting(SummaryRow::verdict).containsExactly(
        "≥ 1.10× PgBouncer's transaction mode: met",
        "≥ 1.10× PgBouncer's transaction mode: **missed by 9%**");
    assertThat(rows.get(0).versusPgBouncer().median()).isEqualTo(1.84); // the column: same mode, per round
  }

  @Test
  void physicalLimitIsOneRoundTripPlusTheTargetsOwnLogin() {
    Figures figures = new Figures();
    figures.roundTrip(Duration.ofMillis(20), 20.4);
    Comparison login = new Comparison("login", "logins/s", List.of("direct", "pgbouncer", "pgml-proxy"), Map.of());
    login.add("direct", rate(200, 5.0));
    login.add("pgbouncer", rate(300, 3.0));
    login.add("pgml-proxy", rate(300, 2.5));
    Comparison dblink = new Comparison("dblink", "calls/s", List.of("direct", "pgbouncer", "pgml-proxy"), Map.of());
    dblink.add("direct", rate(10, 100.0));
    dblink.add("pgbouncer", rate(40, 25.0));
    dblink.add("pgml-proxy", rate(45, 23.4));
    figures.put(Figures.login("session"), login);
    figures.put(Figures.dblink(Duration.ofMillis(20), 1, "session"), dblink);

    RunSummary summary = new RunSummary(figures, Optional.empty());
    List<RunSummary.LimitRow> rows = summary.limitRows(Duration.ofMillis(20), List.of(1));

    assertThat(rows).extracting(RunSummary.LimitRow::target).containsExactly("pgbouncer", "pgml-proxy");
    RunSummary.LimitRow proxy = rows.get(1);
    assertThat(proxy.limitMs()).isEqualTo(22.9, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(proxy.aboveMs()).isEqualTo(0.5, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(proxy.loginMultiple()).isEqualTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(summary.limitTable(Duration.ofMillis(20), List.of(1)))
        .contains("20.40 ms measured")
        .contains("| session | 1 | pgml-proxy | 23.40 | – | 2.50 | 22.90 | 0.50 | 1.20× | met |");
  }

  @Test
  void theLoginADblinkCallPaysIsTheLimitWhereTheRunMeasuredIt() {
    Figures figures = new Figures();
    figures.roundTrip(Duration.ofMillis(20), 20.0);
    Comparison login = new Comparison("login", "logins/s", List.of("direct", "pgml-proxy"), Map.of());
    login.add("direct", rate(200, 5.0));
    login.add("pgml-proxy", rate(300, 1.0));
    Comparison dblink = new Comparison("dblink", "calls/s", List.of("direct", "pgml-proxy"), Map.of());
    dblink.add("direct", rate(10, 100.0));
    dblink.add("pgml-proxy", Measurement.timed(List.of(23.0), 1, Map.of(RunSummary.DBLINK_LOGIN, 2.0)));
    dblink.add("pgml-proxy", Measurement.timed(List.of(23.0), 1, Map.of(RunSummary.DBLINK_LOGIN, 2.5)));
    dblink.add("pgml-proxy", Measurement.timed(List.of(23.0), 1, Map.of(RunSummary.DBLINK_LOGIN, 3.0)));
    figures.put(Figures.login("transaction"), login);
    figures.put(Figures.dblink(Duration.ofMillis(20), 8, "transaction"), dblink);

    RunSummary summary = new RunSummary(figures, Optional.empty());
    RunSummary.LimitRow proxy = summary.limitRows(Duration.ofMillis(20), List.of(8)).get(0);

    assertThat(proxy.loginMs()).isEqualTo(2.5); // the median of the rounds' dblink logins, not the raw 1.0
    assertThat(proxy.loginMultiple()).isEqualTo(1.2, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(summary.limitTable(Duration.ofMillis(20), List.of(8)))
        .contains("| transaction | 8 | pgml-proxy | 23.00 | 2.50 | 1.00 | 22.50 | 0.50 | 1.20× | met |");
  }

  @Test
  void memoryFiguresAreJudgedOnPgmlProxysOwnValue() {
    Figures figures = new Figures();
    figures.value(Figures.idleMarginalKib("pgbouncer"), 0.8);
    figures.value(Figures.idleMarginalKib("pgml-proxy@16c52fa"), 5.76);
    figures.value(Figures.idleMarginalKib("pgml-proxy"), 4.6);
    figures.value(Figures.idleKib("pgml-proxy"), 6.5);
    figures.value(Figures.copyHeapMib("pgml-proxy"), 1.1);

    List<SummaryRow> rows = new RunSummary(figures, Optional.of("pgml-proxy@16c52fa"))
        .issue17Rows(List.of(), Duration.ofMillis(10), Duration.ofMillis(20), List.of());

    assertThat(rows).hasSize(3);
    // The goal is on the second half's figure (what one more idle client costs).
    assertThat(rows.get(0).figure()).contains("second half");
    assertThat(rows.get(0).values()).containsEntry("pgbouncer", "0.80").containsEntry("pgml-proxy", "4.60")
        .containsEntry("direct", "–");
    assertThat(rows.get(0).verdict()).isEqualTo("≤ 4 KiB: **missed by 15%**");
    assertThat(rows.get(0).versusPgBouncer().median()).isEqualTo(4.6 / 0.8, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(rows.get(0).versusBaseline().median()).isEqualTo(4.6 / 5.76, org.assertj.core.data.Offset.offset(1e-9));
    // Over all of them, first logins' one-time costs included: shown, not judged.
    assertThat(rows.get(1).values()).containsEntry("pgml-proxy", "6.50").containsEntry("pgbouncer", "–");
    assertThat(rows.get(1).verdict()).isEmpty();
    assertThat(rows.get(2).verdict()).isEqualTo("≤ 32 MiB: met");
    assertThat(rows.get(2).versusPgBouncer().isEmpty()).isTrue();
  }

  @Test
  void aCachedCallIsJudgedAgainstTheLoginsTimedInItsPlacesWithTheBackToBackOnesBeside() {
    String cached = "pgml-proxy+cache";
    Comparison cache = new Comparison("cache", "calls/s", List.of("pgbouncer", "pgml-proxy", cached), Map.of());
    cache.add("pgbouncer", rate(24, 41.6));
    cache.add("pgml-proxy", rate(42, 23.8));
    // Back to back the login is 2.4 ms; timed where the repeated texts' calls were (half of them right
    // after a miss's round trip), 3.0 ms: the cached call's 3.3 ms is 1.38× the one, 1.10× the other.
    cache.add(cached, Measurement.timed(List.of(3.3, 24.5), 1, Map.of("repeated texts p50 ms", 3.3,
        RunSummary.DBLINK_LOGIN, 2.4, RunSummary.LOGIN_IN_PLACE, 3.0, "measured hit ratio", 0.5)));
    Figures figures = new Figures();
    figures.put(Figures.cache(50, 1, "session"), cache);

    String table = new RunSummary(figures, Optional.empty()).cacheTable(List.of(50), List.of(1));

    assertThat(table).contains("| its dblink logins in the repeats' places p50 ms | × them"
        + " | its dblink logins back to back p50 ms | × them |")
        .contains("| 3.30 | 3.00 | 1.10× (met) | 2.40 | 1.38× | – |");
  }

  @Test
  void withoutTheLoginsInItsPlacesACachedCallIsJudgedAgainstTheBackToBackOnes() {
    String cached = "pgml-proxy+cache";
    Comparison cache = new Comparison("cache", "calls/s", List.of("pgml-proxy", cached), Map.of());
    cache.add("pgml-proxy", rate(42, 23.8));
    cache.add(cached, Measurement.timed(List.of(2.4), 1, Map.of("repeated texts p50 ms", 2.4,
        RunSummary.DBLINK_LOGIN, 2.0)));
    Figures figures = new Figures();
    figures.put(Figures.cache(90, 8, "transaction"), cache);

    assertThat(new RunSummary(figures, Optional.empty()).cacheTable(List.of(90), List.of(8)))
        .contains("| 2.40 | – | 1.20× (met) | 2.00 | 1.20× | – |");
  }
}
