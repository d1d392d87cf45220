package org.postgresml.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamBackends;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The upstream dies under a client: its backend is killed with SIGKILL, or the link is cut, in the
 * middle of a query, a COPY either way, a login, or the session-mode reset. The client gets a FATAL
 * ErrorResponse of class 08 (never a bare EOF, never a hang), and the next client is served by a
 * fresh connection, never by the broken or a dirty one.
 */
@ExtendWith(NettyLeakCheck.class)
class UpstreamKilledIT {

  /** Waiting clients get the connect error after this, and the pool retries with back-off. */
  private static final String CONFIG = ProxyConfigFile.write("upstream: {connectTimeout: 3s}\n").toString();
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension
  static final FaultyUpstream upstream = FaultyUpstream.create().prepareAsOwner("CREATE TABLE loaded (n int)");

  @AfterEach
  void backToNormal() {
    upstream.relay().pass();
    await().atMost(DEADLINE).until(upstream::upstreamAccepts);
  }

  private static RunningProxy proxy(String mode) {
    return proxy(mode, 2, 0);
  }

  private static RunningProxy proxy(String mode, int size, int minSize) {
    return RunningProxy.start(List.of("--database-url", upstream.url(), "--pool-mode", mode, "--pool-size",
        Integer.toString(size), "--min-pool-size", Integer.toString(minSize), "--config", CONFIG));
  }

  /** The proxy serves again: a fresh client's query works (after a crash restart, once the upstream is back). */
  private static void servedAgain(RunningProxy proxy) {
    await().atMost(DEADLINE).ignoreExceptions().until(() -> {
      try (Connection connection = upstream.connect(proxy); Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT 41 + 1")) {
        return rows.next() && rows.getInt(1) == 42;
      }
    });
    assertThat(UpstreamBackends.idleInTransaction(upstream.cluster())).as("no backend left in a transaction").isZero();
  }

  private static Throwable failureOf(CompletableFuture<?> client) throws Exception {
    try {
      client.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause() instanceof java.util.concurrent.CompletionException c ? c.getCause() : e.getCause();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void backendKilledMidQueryGivesTheClientFatal08006(String mode) throws Exception {
    try (RunningProxy proxy = proxy(mode); Connection client = upstream.connect(proxy)) {
      CompletableFuture<Void> sleeping = CompletableFuture.runAsync(() -> {
        try (Statement statement = client.createStatement()) {
          statement.execute("SELECT pg_sleep(600)");
        } catch (SQLException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      await().atMost(DEADLINE).until(() -> upstream.backendRunning("SELECT pg_sleep(600)").isPresent());
      FaultyUpstream.kill9(upstream.backendRunning("SELECT pg_sleep(600)").orElseThrow());

      Throwable thrown = failureOf(sleeping);
      ClearError.assertClear(thrown, "08006");
      assertThat(thrown.getMessage()).contains("upstream " + upstream.relay().host() + ":" + upstream.relay().port())
          .contains("lost");
      servedAgain(proxy);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void linkCutMidReplyGivesTheClientFatal08006(String mode) throws Exception {
    try (RunningProxy proxy = proxy(mode); Connection client = upstream.connect(proxy);
         Statement statement = client.createStatement()) {
      assertThat(statement.execute("SELECT 1")).isTrue();
      upstream.relay().cutAfterServerBytes(64 * 1024);
      Throwable thrown = catchThrowable(() -> {
        try (ResultSet rows = statement.executeQuery("SELECT repeat('x', 100) FROM generate_series(1, 100000)")) {
          while (rows.next()) {
            rows.getString(1);
          }
        }
      });
      ClearError.assertClear(thrown, "08006");
      upstream.relay().pass();
      servedAgain(proxy);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void linkCutMidCopyOutGivesAClearError(String mode) throws Exception {
    try (RunningProxy proxy = proxy(mode); Connection client = upstream.connect(proxy)) {
      CopyManager copy = client.unwrap(PGConnection.class).getCopyAPI();
      assertThat(copy.copyOut("COPY (SELECT 1) TO STDOUT", OutputStream.nullOutputStream())).isEqualTo(1);
      upstream.relay().cutAfterServerBytes(256 * 1024);
      AtomicLong received = new AtomicLong();
      Throwable thrown = catchThrowable(() -> copy.copyOut(
          "COPY (SELECT repeat('y', 100) FROM generate_series(1, 1000000)) TO STDOUT", new OutputStream() {
            @Override
            public void write(int b) {
              received.incrementAndGet();
            }

            @Override
            public void write(byte[] b, int off, int len) {
              received.addAndGet(len);
            }
          }));
      // pgjdbc reads the FATAL the proxy sends mid-COPY but reports only the end of the stream after it.
      assertThat(thrown).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("08006"));
      assertThat(received.get()).as("part of the COPY arrived before the cut").isPositive().isLessThan(256 * 1024);
      upstream.relay().pass();
      servedAgain(proxy);

      // psql shows what the proxy said.
      upstream.relay().cutAfterServerBytes(256 * 1024);
      ClientPrograms.Result psql = ClientPrograms.run(List.of(ClientPrograms.require("psql").toString(), "-X",
              "-h", "127.0.0.1", "-p", Integer.toString(proxy.port()), "-U", UpstreamDatabase.USER, "-d",
              UpstreamDatabase.DATABASE, "-c", "COPY (SELECT repeat('y', 100) FROM generate_series(1, 1000000)) TO STDOUT"),
          Map.of("PGPASSWORD", upstream.database().password(), "PGSSLMODE", "disable"), DEADLINE);
      assertThat(psql.succeeded()).isFalse();
      assertThat(psql.stderr()).contains("FATAL:  connection to upstream 127.0.0.1:" + upstream.relay().port() + " lost");
      upstream.relay().pass();
      servedAgain(proxy);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void backendKilledMidCopyInLosesTheWholeCopyAndTheClientIsTold(String mode) throws Exception {
    try (RunningProxy proxy = proxy(mode)) {
      Connection client = upstream.connect(proxy); // not in try-with-resources: its close throws once the socket is gone
      CopyManager copy = client.unwrap(PGConnection.class).getCopyAPI();
      CountDownLatch halfway = new CountDownLatch(1);
      CompletableFuture<Long> loading = CompletableFuture.supplyAsync(() -> {
        try {
          return copy.copyIn("COPY loaded FROM STDIN", new EndlessRows(halfway));
        } catch (Exception e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      assertThat(halfway.await(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
      await().atMost(DEADLINE).until(() -> upstream.backendRunning("COPY loaded FROM STDIN").isPresent());
      FaultyUpstream.kill9(upstream.backendRunning("COPY loaded FROM STDIN").orElseThrow());

      Throwable thrown = failureOf(loading);
      assertThat(thrown).as("the COPY fails").isInstanceOf(SQLException.class);
      // pgjdbc may be writing when the proxy closes: it then reports its own write error, also class 08.
      assertThat(((SQLException) thrown).getSQLState()).startsWith("08");
      closeQuietly(client);
      servedAgain(proxy);
      try (Connection direct = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
          upstream.database().password()); Statement statement = direct.createStatement();
           ResultSet rows = statement.executeQuery("SELECT count(*) FROM loaded")) {
        rows.next();
        assertThat(rows.getLong(1)).as("an unfinished COPY leaves nothing").isZero();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void linkCutDuringTheUpstreamLoginGivesAClearErrorAndTheNextLoginWorks(String mode) throws Exception {
    try (RunningProxy proxy = proxy(mode)) {
      // Each new upstream connection ends after 10 bytes of the server's first reply (its auth request).
      upstream.relay().cutAfterServerBytes(10);
      long started = System.nanoTime();
      Throwable thrown = catchThrowable(() -> upstream.connect(proxy).close());
      ClearError.assertClear(thrown, "08006");
      assertThat(thrown.getMessage()).contains("during login");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(DEADLINE);
      upstream.relay().pass();
      servedAgain(proxy);
    }
  }

  @Test
  void linkLostDuringTheSessionResetIsNeverHandedOnDirty() throws Exception {
    try (RunningProxy proxy = proxy("session", 1, 1)) {
      try (Connection first = upstream.connect(proxy); Statement statement = first.createStatement()) {
        statement.execute("SET search_path = left_behind");
        statement.execute("CREATE TEMP TABLE left_behind_too (n int)");
        // The reset (DISCARD ALL) this client's departure sends will sit in a stalled link.
        upstream.relay().stall();
      }
      // The next client gets that connection at once (the reset's replies would be consumed first);
      // pgjdbc's own first query at connect waits behind the reset in the stalled link.
      CompletableFuture<Void> second = CompletableFuture.runAsync(() -> {
        try (Connection connection = upstream.connect(proxy); Statement statement = connection.createStatement();
             ResultSet ignored = statement.executeQuery("SHOW search_path")) {
          throw new AssertionError("answered over a link that is stalled");
        } catch (SQLException e) {
          throw new java.util.concurrent.CompletionException(e);
        }
      });
      await().atMost(DEADLINE).until(() -> serversHeld(proxy) == 1);
      upstream.relay().drop(); // the connection ends before its reset was answered
      ClearError.assertClear(failureOf(second), "08006");
      upstream.relay().pass();
      servedAgain(proxy);
      try (Connection third = upstream.connect(proxy); Statement statement = third.createStatement();
           ResultSet rows = statement.executeQuery("SELECT current_setting('search_path'), "
               + "to_regclass('pg_temp.left_behind_too') IS NULL")) {
        rows.next();
        assertThat(rows.getString(1)).isEqualTo("\"$user\", public");
        assertThat(rows.getBoolean(2)).as("the first client's temp table is gone").isTrue();
      }
    }
  }

  private static void closeQuietly(Connection broken) {
    try {
      broken.close();
    } catch (SQLException e) {
      // pgjdbc cannot say goodbye on a socket the proxy closed; that is the point of the test
    }
  }

  /** Server connections clients hold now, from /metrics. */
  private static double serversHeld(RunningProxy proxy) {
    return proxy.server().metrics().scrape().lines()
        .filter(line -> line.startsWith("pgml_proxy_pool_servers_active{"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  /** COPY rows without end: signals once a megabyte went out, then keeps producing until the COPY fails. */
  private static final class EndlessRows extends InputStream {
    private final CountDownLatch halfway;
    private long produced;

    EndlessRows(CountDownLatch halfway) {
      this.halfway = halfway;
    }

    @Override
    public int read() {
      byte[] one = new byte[1];
      read(one, 0, 1);
      return one[0];
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      int n = Math.min(length, 8192);
      for (int i = 0; i < n; i++) {
        buffer[offset + i] = (byte) ((produced + i) % 2 == 0 ? '7' : '\n');
      }
      produced += n;
      if (produced > 1_000_000) {
        halfway.countDown();
      }
      return n;
    }
  }
}
