package org.postgresml.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class PercentilesTest {

  @Test
  void nearestRankOfAHundredValues() {
    List<Double> values = new ArrayList<>();
    for (int i = 100; i >= 1; i--) {
      values.add((double) i); // unsorted on purpose
    }

    Percentiles percentiles = Percentiles.of(values);

    assertThat(percentiles.p50()).isEqualTo(50.0);
    assertThat(percentiles.p99()).isEqualTo(99.0);
    assertThat(percentiles.max()).isEqualTo(100.0);
    assertThat(percentiles.count()).isEqualTo(100);
  }

  @Test
  void p99OfFewValuesIsTheSlowestAndOneOutlierInAThousandDoesNotMoveIt() {
    assertThat(Percentiles.of(List.of(1.0, 2.0, 30.0)).p99()).isEqualTo(30.0);
    assertThat(Percentiles.of(List.of(1.0, 2.0, 30.0)).p50()).isEqualTo(2.0);

    List<Double> thousand = new ArrayList<>(Collections.nCopies(999, 3.0));
    thousand.add(500.0);
    assertThat(Percentiles.of(thousand).p99()).isEqualTo(3.0);
    assertThat(Percentiles.of(thousand).max()).isEqualTo(500.0);
  }

  @Test
  void noValuesAndNanAreEmptyNotZero() {
    Percentiles none = Percentiles.of(List.of(Double.NaN));
    assertThat(none.isEmpty()).isTrue();
    assertThat(none.format(none.p50(), 2)).isEqualTo("–");
  }

  @Test
  void comparisonPoolsTheSamplesOfSuccessfulRoundsOnly() {
    Comparison comparison = new Comparison("login", "logins/s", List.of("pgbouncer"), java.util.Map.of());
    comparison.add("pgbouncer", Measurement.timed(List.of(1.0, 2.0, 3.0), 1.0, java.util.Map.of()));
    comparison.add("pgbouncer", Measurement.failed("login refused"));
    comparison.add("pgbouncer", Measurement.timed(List.of(4.0, 5.0, 6.0), 1.0, java.util.Map.of()));

    assertThat(comparison.percentiles("pgbouncer").count()).isEqualTo(6);
    assertThat(comparison.percentiles("pgbouncer").p50()).isEqualTo(3.0);
    assertThat(comparison.latency("pgbouncer").median()).isEqualTo(3.5); // per-round p50s 2 and 5
    assertThat(comparison.hasSamples()).isTrue();
  }
}
