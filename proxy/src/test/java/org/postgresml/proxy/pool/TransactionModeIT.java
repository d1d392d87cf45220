package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresml.proxy.Pgbench;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.PGStatement;

/**
 * Transaction mode over a pool of two: many clients, each transaction on whichever backend is
 * free, with named prepared statements re-prepared behind the clients' backs.
 */
@ExtendWith(NettyLeakCheck.class)
class TransactionModeIT {

  private static final int POOL_SIZE = 2;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      .withProxy(ProxyOptions.defaults().poolMode("transaction").poolSize(POOL_SIZE));

  @BeforeAll
  static void initialisePgbench() {
    ClientPrograms.Result init = Pgbench.run(upstream.proxy(), upstream.password(), "-i", "-s", "1", "-q");
    assertThat(init.exitCode()).as(init.stderr()).isZero();
  }

  @Test
  void pgbenchPreparedSixteenClientsWithoutFailures() {
    pgbenchSixteenClientsWithoutFailures("prepared", 5);
  }

  @ParameterizedTest
  @CsvSource({"extended, 2", "simple, 2"})
  void pgbenchSixteenClientsWithoutFailures(String mode, int seconds) {
    ClientPrograms.Result run = Pgbench.run(upstream.proxy(), upstream.password(), "-c", "16", "-j", "2", "-T",
        Integer.toString(seconds), "-M", mode, "-n");
    assertThat(run.exitCode()).as(run.stderr()).isZero();
    assertThat(run.stdout()).contains("number of failed transactions: 0");
    assertThat(Pgbench.transactionsProcessed(run)).isPositive();
  }

  @Test
  void aLoginCompletesWhileEveryServerConnectionIsHeldInsideATransaction() throws Exception {
    List<Connection> holders = new ArrayList<>();
    try {
      for (int i = 0; i < POOL_SIZE; i++) {
        Connection holder = upstream.connect(new Properties());
        holder.setAutoCommit(false);
        try (Statement statement = holder.createStatement()) {
          statement.execute("SELECT 1"); // BEGIN; SELECT 1: the transaction holds a server connection
        }
        holders.add(holder);
      }
      // Every server connection is inside a transaction: the login itself must not wait for one
      // (the pool's server parameters answer it); only the first query does.
      ExecutorService client = Executors.newSingleThreadExecutor();
      // Without it pgjdbc runs SET extra_float_digits right after login, which needs a server connection.
      Properties loginOnly = new Properties();
      loginOnly.setProperty("assumeMinServerVersion", "10");
      try {
        Future<Connection> login = client.submit(() ->
            upstream.connect(loginOnly));
        try (Connection late = login.get(5, TimeUnit.SECONDS)) {
          Future<Integer> query = client.submit(() -> {
            try (Statement statement = late.createStatement(); ResultSet rows = statement.executeQuery("SELECT 7")) {
              rows.next();
              return rows.getInt(1);
            }
          });
          assertThat(query).as("waits for a server connection").isNotDone();
          holders.get(0).commit();
          assertThat(query.get(10, TimeUnit.SECONDS)).isEqualTo(7);
        }
      } finally {
        client.shutdownNow();
      }
    } finally {
      for (Connection holder : holders) {
        holder.close();
      }
    }
  }

  @Test
  void jdbcServerPreparedStatementsFromManyThreads() throws Exception {
    int threads = 6;
    int rounds = 150;
    Set<Integer> backends = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> runs = new ArrayList<>();
      for (int thread = 0; thread < threads; thread++) {
        int id = thread;
        runs.add(pool.submit(() -> {
          runPrepared(id, rounds, backends);
          return null;
        }));
      }
      for (Future<?> run : runs) {
        run.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(backends).as("real backends behind all clients").hasSizeBetween(1, POOL_SIZE);
  }

  private static void runPrepared(int thread, int rounds, Set<Integer> backends) throws SQLException {
    Properties serverPrepared = new Properties();
    serverPrepared.setProperty("prepareThreshold", "1");
    try (Connection connection = upstream.connect(serverPrepared);
         PreparedStatement add = connection.prepareStatement("SELECT ?::int + ?::int, pg_backend_pid()");
         PreparedStatement balance = connection.prepareStatement(
             "SELECT abalance FROM pgbench_accounts WHERE aid = ?")) {
      for (int round = 0; round < rounds; round++) {
        add.setInt(1, thread * 100_000);
        add.setInt(2, round);
        try (ResultSet rows = add.executeQuery()) {
          rows.next();
          assertThat(rows.getInt(1)).isEqualTo(thread * 100_000 + round);
          backends.add(rows.getInt(2));
        }
        balance.setInt(1, 1 + round);
        try (ResultSet rows = balance.executeQuery()) {
          assertThat(rows.next()).isTrue();
        }
        if (round % 10 == 9) { // a multi-statement transaction now and then
          connection.setAutoCommit(false);
          try (Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_advisory_xact_lock(" + thread + ")");
          }
          add.setInt(1, -1);
          add.setInt(2, 1);
          try (ResultSet rows = add.executeQuery()) {
            rows.next();
            assertThat(rows.getInt(1)).isZero();
          }
          connection.commit();
          connection.setAutoCommit(true);
        }
      }
      assertThat(add.unwrap(PGStatement.class).isUseServerPrepare()).as("pgjdbc used a named statement").isTrue();
    }
  }

}
