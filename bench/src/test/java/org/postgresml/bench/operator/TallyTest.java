package org.postgresml.bench.operator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TallyTest {

  @Test
  void countsByVerbAndNamesWritesPerResource() {
    Tally tally = new Tally();
    tally.add(ApiCall.of("GET", "/api/v1/namespaces/a/secrets"));
    tally.add(ApiCall.of("GET", "/api/v1/secrets?watch=true"));
    for (int i = 0; i < 4; i++) {
      tally.add(ApiCall.of("POST", "/api/v1/namespaces/a/secrets"));
    }
    tally.add(ApiCall.of("PATCH", "/apis/postgresml.org/v1alpha1/namespaces/a/pgmlproxies/p/status"));

    assertThat(tally.reads()).isEqualTo(1);
    assertThat(tally.watches()).isEqualTo(1);
    assertThat(tally.writes()).isEqualTo(5);
    assertThat(tally.requests()).isEqualTo(7);
    assertThat(tally.writesPer(2)).isEqualTo("PATCH pgmlproxies/status 0.50, POST secrets 2.00");
    assertThat(tally.writesPer(1)).isEqualTo("PATCH pgmlproxies/status 1, POST secrets 4");
  }

  @Test
  void noWritesSaysNone() {
    assertThat(new Tally().writesPer(500)).isEqualTo("none");
  }
}
