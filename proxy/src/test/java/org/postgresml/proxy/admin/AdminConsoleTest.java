package org.postgresml.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AdminConsoleTest {

  private final RecordingContext context = new RecordingContext();
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
    assertThat(context.calls).hasValue(4);
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

  static final class RecordingContext implements AdminContext {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public List<PoolInfo> pools() {
      return List.of(new PoolInfo("pgml", "app", 4, 3, 4, 0, 0, 0, 0, 2_500_000, "session"));
    }

    @Override
    public List<ConnectionInfo> clients() {
      return List.of();
    }

    @Override
    public List<ConnectionInfo> servers() {
      return List.of();
    }

    @Override
    public List<StatsInfo> stats() {
      return List.of();
    }

    @Override
    public List<ConfigEntry> config() {
      return List.of(new ConfigEntry("pool.size", "4", "20", true));
    }

    @Override
    public String version() {
      return "pgml-proxy test";
    }

    @Override
    public CompletionStage<Void> reload() {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> pause() {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void resume() {
      calls.incrementAndGet();
    }

    @Override
    public void shutdown() {
      calls.incrementAndGet();
    }
  }
}
