package org.postgresml.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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

/**
 * The upstream restarts (fast shutdown, then start on the same port and data) while clients run
 * transactions through the proxy without pause. Each client sees a clear error, reconnects, and
 * goes on once the upstream is back; every commit the proxy acknowledged is in the table afterwards.
 */
@ExtendWith(NettyLeakCheck.class)
class RestartUnderLoadIT {

  private static final int CLIENTS = 8;
  /** Commits each client makes before the restart, and again after it. */
  private static final int COMMITS_PER_PHASE = 15;
  private static final int TRANSACTIONS_PER_SESSION = 5;
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      .prepareAsOwner("CREATE TABLE commits (mode text, client int, n int, PRIMARY KEY (mode, client, n))");

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void everyAcknowledgedCommitSurvivesARestartUnderLoad(String mode) throws Exception {
    PostgresCluster cluster = upstream.cluster();
    Load load = new Load(mode);
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS);
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"), "--pool-mode", mode,
        "--pool-size", "4", "--min-pool-size", "2", "--config",
        ProxyConfigFile.write("upstream: {connectTimeout: 2s}\n").toString()))) {
      List<Future<?>> clients = new ArrayList<>();
      for (int client = 0; client < CLIENTS; client++) {
        int id = client;
        clients.add(threads.submit(() -> load.run(proxy, id)));
      }
      await().atMost(DEADLINE).until(() -> load.everyClientCommitted(COMMITS_PER_PHASE));

      cluster.stop();
      await().atMost(DEADLINE).until(load::everyClientSawAnError);
      cluster.startServer();
      long restarted = System.nanoTime();
      load.restartedAt.set(restarted);
      await().atMost(DEADLINE).until(() -> load.everyClientCommittedSinceRestart(COMMITS_PER_PHASE));
      load.stopping = true;
      for (Future<?> client : clients) {
        client.get(DEADLINE.toSeconds(), TimeUnit.SECONDS); // no client hangs
      }

      Set<List<Integer>> stored = stored(mode);
      Set<List<Integer>> acknowledged = new HashSet<>(load.acknowledged.keySet());
      assertThat(stored).as("every acknowledged commit is in the table").containsAll(acknowledged);
      await().atMost(Duration.ofSeconds(30)).until(() -> UpstreamBackends.idleInTransaction(cluster) == 0);
      System.out.printf("restart under load (%s): %d clients, %d commits acknowledged (%d stored, %d stored but"
              + " unacknowledged), 0 lost; errors by SQLSTATE %s; first commit %d ms after the upstream was back,"
              + " every client committing again after %d ms%n", mode, CLIENTS, acknowledged.size(), stored.size(),
          stored.size() - acknowledged.size(), load.errors,
          TimeUnit.NANOSECONDS.toMillis(load.firstCommitAfterRestart.get() - restarted),
          TimeUnit.NANOSECONDS.toMillis(load.lastClientBackAt() - restarted));
    } finally {
      load.stopping = true;
      threads.shutdownNow();
      if (!cluster.isRunning()) {
        cluster.startServer();
      }
    }
  }

  private static Set<List<Integer>> stored(String mode) throws SQLException {
    Set<List<Integer>> rows = new HashSet<>();
    try (Connection direct = upstream.cluster().connect(UpstreamDatabase.DATABASE, PostgresCluster.SUPERUSER,
        upstream.cluster().superuserPassword());
         PreparedStatement select = direct.prepareStatement("SELECT client, n FROM commits WHERE mode = ?")) {
      select.setString(1, mode);
      try (ResultSet result = select.executeQuery()) {
        while (result.next()) {
          rows.add(List.of(result.getInt(1), result.getInt(2)));
        }
      }
    }
    return rows;
  }

  /** Clients that insert and commit one row per transaction, reconnecting after any error. */
  private static final class Load {
    final String mode;
    final Map<List<Integer>, Boolean> acknowledged = new ConcurrentHashMap<>();
    final Map<String, Integer> errors = new ConcurrentHashMap<>();
    final AtomicInteger[] commits = new AtomicInteger[CLIENTS];
    final AtomicInteger[] commitsSinceRestart = new AtomicInteger[CLIENTS];
    final AtomicLong[] backAt = new AtomicLong[CLIENTS];
    final boolean[] sawError = new boolean[CLIENTS];
    final AtomicLong restartedAt = new AtomicLong(Long.MAX_VALUE);
    final AtomicLong firstCommitAfterRestart = new AtomicLong(Long.MAX_VALUE);
    volatile boolean stopping;

    Load(String mode) {
      this.mode = mode;
      for (int i = 0; i < CLIENTS; i++) {
        commits[i] = new AtomicInteger();
        commitsSinceRestart[i] = new AtomicInteger();
        backAt[i] = new AtomicLong();
      }
    }

    Void run(RunningProxy proxy, int client) {
      int n = 0;
      while (!stopping) {
        Properties bounded = new Properties();
        bounded.setProperty("socketTimeout", "60");
        try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password(), bounded);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO commits VALUES (?, ?, ?)")) {
          connection.setAutoCommit(false);
          // A few transactions per session: in session mode the 8 clients take turns on 4 connections.
          for (int inSession = 0; inSession < TRANSACTIONS_PER_SESSION && !stopping; inSession++) {
            int attempt = n++; // never reused: a commit whose answer was lost must not collide with a retry
            insert.setString(1, mode);
            insert.setInt(2, client);
            insert.setInt(3, attempt);
            insert.executeUpdate();
            connection.commit();
            committed(client, attempt);
          }
        } catch (SQLException e) {
          // Keyed by SQLSTATE, and whether an ErrorResponse said it or pgjdbc met a closed socket first.
          boolean told = e instanceof org.postgresql.util.PSQLException psql && psql.getServerErrorMessage() != null;
          errors.merge(e.getSQLState() + (told ? "" : " (socket)"), 1, Integer::sum);
          synchronized (sawError) {
            sawError[client] = true;
          }
        }
      }
      return null;
    }

    private void committed(int client, int attempt) {
      long now = System.nanoTime();
      acknowledged.put(List.of(client, attempt), Boolean.TRUE);
      commits[client].incrementAndGet();
      if (now > restartedAt.get()) {
        if (commitsSinceRestart[client].getAndIncrement() == 0) {
          backAt[client].set(now);
        }
        firstCommitAfterRestart.accumulateAndGet(now, Math::min);
      }
    }

    boolean everyClientCommitted(int count) {
      for (AtomicInteger done : commits) {
        if (done.get() < count) {
          return false;
        }
      }
      return true;
    }

    boolean everyClientCommittedSinceRestart(int count) {
      for (AtomicInteger done : commitsSinceRestart) {
        if (done.get() < count) {
          return false;
        }
      }
      return true;
    }

    boolean everyClientSawAnError() {
      synchronized (sawError) {
        for (boolean saw : sawError) {
          if (!saw) {
            return false;
          }
        }
        return true;
      }
    }

    long lastClientBackAt() {
      long last = 0;
      for (AtomicLong at : backAt) {
        last = Math.max(last, at.get());
      }
      return last;
    }
  }
}
