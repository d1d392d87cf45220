package org.postgresml.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.admin.AdminContext.ConfigEntry;
import org.postgresml.proxy.admin.AdminContext.PoolInfo;

class AdminConsoleTest {

  /** One pool with three clients waiting, the oldest for 2.5 s; one setting changed from its default. */
  private final StubAdminContext context = new StubAdminContext(
      List.of(new PoolInfo("pgml", "app", 4, 3, 4, 0, 0, 0, 0, 2_500_000, "session")), List.of(),
      List.of(new ConfigEntry("pool.size", "4", "20", true)), "pgml-proxy test");
  private final AdminConsole console = new AdminConsole(context);

  @Test
  void showPoolsHasPgBouncersColumnsAndOneRowPerPool() throws Exception {
    List<AdminTable> tables = console.execute("show   pools;").toCompletableFuture().get();
    assertThat(tables).hasSize(1);
    AdminTable pools = tables.get(0);
    assertThat(pools.columns()).startsWith("database", "user", "cl_active", "cl_waiting").contains("sv_idle",
        "maxwait_us", "pool_mode");
    assertThat(pools.rows()).hasSize(1);
    List<String> row = pools.rows().get(0);
    assertThat(row.get(pools.columns().indexOf("database"))).isEqualTo("pgml");
    assertThat(row.get(pools.columns().indexOf("cl_waiting"))).isEqualTo("3");
    assertThat(row.get(pools.columns().indexOf("maxwait"))).isEqualTo("2");
    assertThat(row.get(pools.columns().indexOf("maxwait_us"))).isEqualTo("500000");
    assertThat(pools.commandTag()).isEqualTo("SHOW");
  }

  @Test
  void severalStatementsInOneQueryGiveSeveralTables() throws Exception {
    List<AdminTable> tables = console.execute("SHOW VERSION; SHOW CONFIG").toCompletableFuture().get();
    assertThat(tables).extracting(t -> t.columns().get(0)).containsExactly("version", "key");
    assertThat(tables.get(1).rows()).containsExactly(List.of("pool.size", "4", "20", "yes"));
  }

  @Test
  void commandsReachTheProxy() throws Exception {
    for (String command : List.of("RELOAD", "PAUSE", "RESUME", "SHUTDOWN")) {
      AdminTable table = console.execute(command.toLowerCase()).toCompletableFuture().get().get(0);
      assertThat(table.commandTag()).isEqualTo(command);
      assertThat(table.hasRows()).isFalse();
    }
    assertThat(context.leversPulled()).isEqualTo(4);
  }

  @Test
  void anUnknownCommandIsAnErrorThatSaysWhatToTry() {
    assertThat(console.execute("DROP DATABASE x").toCompletableFuture())
        .failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(AdminCommandException.class).withMessageContaining("SHOW HELP");
  }

  @Test
  void showHelpListsEveryCommand() throws Exception {
    AdminTable help = console.execute("SHOW HELP").toCompletableFuture().get().get(0);
    assertThat(help.rows()).extracting(row -> row.get(0)).contains("SHOW POOLS", "SHOW CLIENTS", "SHOW SERVERS",
        "SHOW STATS", "SHOW CONFIG", "SHOW VERSION", "RELOAD", "PAUSE", "RESUME", "SHUTDOWN");
  }
}
