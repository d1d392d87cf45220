package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamBackends;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The upstream restarts (fast shutdown, same port and data) under a proxy with a warm pool: the
 * query in flight fails with a connection-class error, the pool refills, the next clients are served.
 */
@ExtendWith(NettyLeakCheck.class)
class UpstreamRestartIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void inFlightQueryFailsThenThePoolRefillsAndServes(String mode) throws Exception {
    PostgresCluster cluster = upstream.cluster();
    await().atMost(Duration.ofSeconds(10)).until(() -> UpstreamBackends.count(cluster) == 0);
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
        "--pool-mode", mode, "--pool-size", "4", "--min-pool-size", "2"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> UpstreamBackends.count(cluster) == 2);
      assertThat(query(proxy, "SELECT 1")).isEqualTo("1");

      CompletableFuture<String> inFlight = CompletableFuture.supplyAsync(() -> {
        try {
          return query(proxy, "SELECT pg_sleep(60)::text");
        } catch (SQLException e) {
          throw new IllegalStateException(e.getSQLState(), e);
        }
      });
      await().atMost(Duration.ofSeconds(10)).until(() -> sleeping(cluster));
      cluster.stop();
      ExecutionException failed = org.assertj.core.api.Assertions.catchThrowableOfType(
          () -> inFlight.get(30, TimeUnit.SECONDS), ExecutionException.class);
      assertThat(failed).as("the in-flight query fails").isNotNull();
      String sqlState = failed.getCause().getMessage();
      assertThat(sqlState).as("SQLSTATE of the in-flight failure").matches("08...|57P01");

      cluster.startServer();
      // No retry: the first query after the restart is served by a fresh connection.
      assertThat(query(proxy, "SELECT 2")).isEqualTo("2");
      await().atMost(Duration.ofSeconds(15)).until(() -> UpstreamBackends.count(cluster) >= 2);
      for (int i = 0; i < 5; i++) {
        assertThat(query(proxy, "SELECT " + i)).isEqualTo(Integer.toString(i));
      }
    }
  }

  private static boolean sleeping(PostgresCluster cluster) throws SQLException {
    try (Connection direct = cluster.connect(); Statement statement = direct.createStatement();
         ResultSet rows = statement.executeQuery(
             "SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'")) {
      rows.next();
      return rows.getInt(1) == 1;
    }
  }

  private static String query(RunningProxy proxy, String sql) throws SQLException {
    try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password());
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }
}
