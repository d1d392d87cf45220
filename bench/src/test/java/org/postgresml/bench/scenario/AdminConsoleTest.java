package org.postgresml.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AdminConsoleTest {

  @Test
  void showCachesTotalsLineIsReadByColumnName() {
    String unaligned = """
        function|public|entries|bytes|hits|misses|coalesced|evictions|bypassed|max_bytes|generation|in_flight
        pgml.embed|true|12|4096|80|12|8|0|0|||
        *||12|4096|80|12|8|0|0|268435456|0|0
        """;

    assertThat(AdminConsole.totals(unaligned)).contains(new AdminConsole.CacheTotals(80, 12, 8));
  }

  @Test
  void anOutputWithoutATotalsLineHasNone() {
    assertThat(AdminConsole.totals("function|hits\npgml.embed|3\n")).isEmpty();
    assertThat(AdminConsole.totals("")).isEmpty();
  }
}
