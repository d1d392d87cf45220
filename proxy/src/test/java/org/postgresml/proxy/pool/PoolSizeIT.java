package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamBackends;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.PGConnection;

/**
 * Pool sizes against a real PostgreSQL whose proxy role has {@code CONNECTION LIMIT 4}: a fifth
 * backend would fail with 53300, so "zero errors" proves the cap, and a sampler of
 * {@code pg_stat_activity} shows it from the upstream's side.
 */
@ExtendWith(NettyLeakCheck.class)
class PoolSizeIT {

  private static final int POOL_SIZE = 4;
  private static final int CLIENTS = 50;
  private static final int TRANSACTIONS = 20;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      .prepareAsOwner("CREATE TABLE hits (mode text NOT NULL, client int NOT NULL, n int NOT NULL)")
      .prepare(database -> database.cluster().execute("postgres",
          "ALTER ROLE " + UpstreamDatabase.USER + " CONNECTION LIMIT " + POOL_SIZE));

  @BeforeEach
  void previousProxysBackendsAreGone() {
    await().atMost(Duration.ofSeconds(10)).until(() -> UpstreamBackends.count(upstream.cluster()) == 0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void fiftyClientsShareFourBackends(String mode) throws Exception {
    PostgresCluster cluster = upstream.cluster();
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
            "--pool-mode", mode, "--pool-size", Integer.toString(POOL_SIZE)));
         UpstreamBackends.Sampler sampler = new UpstreamBackends.Sampler(cluster)) {
      List<Future<?>> runs = new ArrayList<>();
      for (int client = 0; client < CLIENTS; client++) {
        int id = client;
        runs.add(clients.submit(() -> {
          runShortTransactions(proxy, mode, id);
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(120, TimeUnit.SECONDS); // any client's SQLException fails the test here
      }
      assertThat(sampler.samples()).isPositive();
      assertThat(sampler.highest()).as("backends of the proxy at once").isBetween(1, POOL_SIZE);
    } finally {
      clients.shutdownNow();
    }
    try (Connection direct = cluster.connect(UpstreamDatabase.DATABASE, PostgresCluster.SUPERUSER,
        cluster.superuserPassword()); Statement statement = direct.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*), count(DISTINCT (client, n)) FROM hits WHERE mode = '"
             + mode + "'")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(CLIENTS * TRANSACTIONS);
      assertThat(rows.getInt(2)).isEqualTo(CLIENTS * TRANSACTIONS);
    }
  }

  private static void runShortTransactions(RunningProxy proxy, String mode, int client) throws SQLException {
    try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password());
         PreparedStatement insert = connection.prepareStatement("INSERT INTO hits VALUES (?, ?, ?)");
         PreparedStatement count = connection.prepareStatement("SELECT count(*) FROM hits WHERE mode = ? AND client = ?")) {
      connection.setAutoCommit(false);
      for (int n = 0; n < TRANSACTIONS; n++) {
        insert.setString(1, mode);
        insert.setInt(2, client);
        insert.setInt(3, n);
        assertThat(insert.executeUpdate()).isEqualTo(1);
        count.setString(1, mode);
        count.setInt(2, client);
        try (ResultSet rows = count.executeQuery()) {
          rows.next();
          assertThat(rows.getInt(1)).as("client %d sees its own rows", client).isEqualTo(n + 1);
        }
        connection.commit();
      }
    }
  }

  @Test
  void warmPoolIsOpenBeforeAnyClientAndServesTheFirstOne() throws SQLException {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
        "--min-pool-size", "2"))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> UpstreamBackends.count(upstream.cluster()) == 2);
      List<Integer> warm = UpstreamBackends.pids(upstream.cluster());
      try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password())) {
        try (java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
          rows.next();
          assertThat(rows.getInt(1)).isIn(warm);
        }
      }
      assertThat(UpstreamBackends.pids(upstream.cluster())).isEqualTo(warm);
    }
  }

  @Test
  void clientWaitingPastQueryWaitTimeoutGets53300NamingTheSetting() throws SQLException {
    var config = ProxyConfigFile.write("pool: {size: 1, queryWaitTimeout: 500ms}\n");
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
            "--config", config.toString()));
         Connection holder = proxy.connect(UpstreamDatabase.USER, upstream.password())) {
      long started = System.nanoTime();
      Throwable thrown = catchThrowable(() -> proxy.connect(UpstreamDatabase.USER, upstream.password()).close());
      assertThat(thrown).isInstanceOfSatisfying(SQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("53300");
        assertThat(e.getMessage()).contains("queryWaitTimeout").contains("pool.size");
      });
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
      assertThat(holder.isValid(5)).as("the holder keeps its connection").isTrue();
    }
  }

  @Test
  void clientBeyondMaxClientConnGets53300AtLogin() throws SQLException {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
            "--max-client-conn", "2"));
         Connection first = proxy.connect(UpstreamDatabase.USER, upstream.password());
         Connection second = proxy.connect(UpstreamDatabase.USER, upstream.password())) {
      Throwable thrown = catchThrowable(() -> proxy.connect(UpstreamDatabase.USER, upstream.password()).close());
      assertThat(thrown).isInstanceOfSatisfying(SQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("53300");
        assertThat(e.getMessage()).contains("too many").contains("max_client_conn");
      });
      assertThat(first.isValid(5) && second.isValid(5)).isTrue();
      second.close();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
          .until(() -> {
            try (Connection third = proxy.connect(UpstreamDatabase.USER, upstream.password())) {
              return third.isValid(5);
            }
          });
    }
  }
}
