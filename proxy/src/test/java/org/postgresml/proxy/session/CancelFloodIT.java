package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.ProxyProcess;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.FreePorts;

/**
 * A flood of guessed cancel keys against the real jar: the guesses it looks at are bounded by the
 * source's budget (the rest are dropped unread), the log gets a summary line per interval instead
 * of a line per guess, and once the flood stops the right key cancels the query again.
 */
class CancelFloodIT {

  private static final int GUESSES = 2000;
  private static final double PER_SECOND = 2;
  private static final int BURST = 20;
  private static final String UNMATCHED = "pgml_proxy_cancel_requests_total{outcome=\"unmatched\"}";
  private static final String LIMITED = "pgml_proxy_cancel_requests_total{outcome=\"rate_limited\"}";

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  @BeforeAll
  static void jarBuilt() {
    assertThat(ProxyProcess.JAR).as("built by the package phase").exists();
  }

  @Test
  void guessedKeysAreRateLimitedAndSummedUpInTheLog() throws Exception {
    String config = ProxyConfigFile.write("cancel: {failuresPerSecond: " + PER_SECOND + ", failureBurst: " + BURST
        + ", logInterval: 1s}\n").toString();
    try (ProxyProcess proxy = ProxyProcess.launch(FreePorts.next(), Map.of(), List.of("--database-url",
        upstream.url("disable"), "--config", config)).awaitReady(Duration.ofSeconds(60));
         Connection connection = connect(proxy); Statement statement = connection.createStatement()) {
      int backend;
      try (ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
        rows.next();
        backend = rows.getInt(1); // the key's pid is the proxy's own (pool.sessionServerAt: first-message)
      }
      CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
        try {
          statement.execute("SELECT pg_sleep(120)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      int pid = connection.unwrap(org.postgresql.PGConnection.class).getBackendPID();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> isRunning(backend));
      int key = secretKeyOf(connection);
      long linesBefore = proxy.stderr().lines().count();

      long started = System.nanoTime();
      for (int i = 1; i <= GUESSES; i++) {
        cancel(proxy.port(), pid, key ^ i); // never the right one
      }
      double seconds = (System.nanoTime() - started) / 1e9;
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> proxy.metric(UNMATCHED) + proxy.metric(LIMITED) == GUESSES);

      // Looked at: the burst plus what the budget refilled meanwhile; before, all 2,000.
      double lookedAt = proxy.metric(UNMATCHED);
      assertThat(lookedAt).isBetween((double) BURST, BURST + PER_SECOND * (seconds + 1) + 1);
      assertThat(proxy.metric(LIMITED)).isEqualTo(GUESSES - lookedAt);
      assertThat(isRunning(backend) && !running.isDone()).as("no guess cancelled the query").isTrue();

      // One summary line per interval, not one line per guess (before: a "client disconnected" each).
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> proxy.stderr().contains("rate_limited="));
      long linesDuring = proxy.stderr().lines().count() - linesBefore;
      assertThat(linesDuring).isLessThan(5 + (long) seconds * 2);

      // The flood over, the budget refills and the right key works again.
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).until(() -> {
        cancel(proxy.port(), pid, key);
        return cancelledWithin(running, Duration.ofMillis(500));
      });
    }
  }

  private static boolean cancelledWithin(CompletableFuture<Void> running, Duration wait) throws InterruptedException {
    try {
      running.get(wait.toMillis(), TimeUnit.MILLISECONDS);
      return false; // finished without a cancel: cannot happen within pg_sleep(120)
    } catch (TimeoutException e) {
      return false;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause().getCause();
      return cause instanceof SQLException sql && "57014".equals(sql.getSQLState());
    }
  }

  private static Connection connect(ProxyProcess proxy) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", UpstreamDatabase.USER);
    properties.setProperty("password", upstream.password());
    properties.setProperty("connectTimeout", "30");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + UpstreamDatabase.DATABASE
        + "?sslmode=disable", properties);
  }

  private static boolean isRunning(int pid) throws SQLException {
    try (Connection observer = upstream.cluster().connect(); Statement query = observer.createStatement();
         ResultSet rows = query.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
             + " AND state = 'active' AND query LIKE 'SELECT pg_sleep%'")) {
      rows.next();
      return rows.getInt(1) == 1;
    }
  }

  /** A CancelRequest on its own connection, as libpq sends it; returns when the proxy has closed it. */
  private static void cancel(int port, int pid, int secretKey) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(pid)
          .putInt(secretKey).array());
      InputStream in = socket.getInputStream();
      while (in.read() >= 0) {
        // the proxy says nothing and closes
      }
    }
  }

  /** The key pgjdbc got in BackendKeyData (private in pgjdbc). */
  private static int secretKeyOf(Connection connection) {
    try {
      Object executor = connection.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
      java.lang.reflect.Field field = org.postgresql.core.QueryExecutorBase.class.getDeclaredField("cancelKey");
      field.setAccessible(true);
      return ByteBuffer.wrap((byte[]) field.get(executor)).getInt();
    } catch (ReflectiveOperationException | SQLException e) {
      throw new IllegalStateException("pgjdbc's cancel key is not where this test expects it", e);
    }
  }
}
