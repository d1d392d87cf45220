package org.postgresml.bench.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PgbenchResultTest {

  private static final String OUTPUT = """
      transaction type: <builtin: select only>
      scaling factor: 4
      query mode: simple
      number of clients: 16
      number of threads: 2
      maximum number of tries: 1
      duration: 1 s
      number of transactions actually processed: 7657
      number of failed transactions: 0 (0.000%)
      latency average = 2.089 ms
      initial connection time = 40.112 ms
      tps = 7657.123456 (without initial connection time)
      """;

  @Test
  void parsesThroughputLatencyAndCount() {
    PgbenchResult result = PgbenchResult.parse(0, OUTPUT, "");

    assertThat(result.failed()).isFalse();
    assertThat(result.tps()).isEqualTo(7657.123456);
    assertThat(result.latencyMs()).isEqualTo(2.089);
    assertThat(result.transactions()).isEqualTo(7657);
  }

  @Test
  void anAbortedRunKeepsItsFirstErrorLine() {
    String stderr = "pgbench: error: ERROR:  prepared statement \"P_0\" already exists\n"
        + "pgbench: error: Run was aborted; the above results are incomplete.\n";

    PgbenchResult result = PgbenchResult.parse(2, OUTPUT, stderr);

    assertThat(result.failed()).isTrue();
    assertThat(result.error()).contains("pgbench: error: ERROR:  prepared statement \"P_0\" already exists");
  }

  @Test
  void aRunWithoutTransactionsIsAFailureThatSaysWhy() {
    PgbenchResult result = PgbenchResult.parse(0, "number of transactions actually processed: 0\n", "");

    assertThat(result.failed()).isTrue();
    assertThat(result.error().orElseThrow()).contains("no transaction finished");
  }
}
