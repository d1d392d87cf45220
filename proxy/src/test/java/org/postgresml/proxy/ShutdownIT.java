package org.postgresml.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The phases of a shutdown as clients see them, in both pool modes: not ready but still serving for
 * the grace, then no new clients and every session closed between two of its transactions (57P01),
 * a transaction in flight finishing first; past the shutdown timeout the rest get 57P01.
 */
@ExtendWith(NettyLeakCheck.class)
class ShutdownIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      .prepareAsOwner("CREATE TABLE ledger (mode text, n int)");

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void servesThroughTheGraceThenClosesEachSessionBetweenItsTransactions(String mode) throws Exception {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
        "--pool-mode", mode))) {
      Connection idle = proxy.connect(UpstreamDatabase.USER, upstream.password());
      selectOne(idle);
      Connection inTransaction = proxy.connect(UpstreamDatabase.USER, upstream.password());
      inTransaction.setAutoCommit(false);
      insert(inTransaction, mode, 1);

      // Long enough to connect and query in it on a busy machine; the test does not wait it out idly.
      CompletableFuture<Void> shutdown = CompletableFuture.runAsync(
          () -> proxy.server().shutdown(Duration.ofSeconds(5), Duration.ofMinutes(1)));

      await().atMost(Duration.ofSeconds(5)).until(() -> status(proxy, "/readyz") == 503);
      assertThat(phase(proxy)).isEqualTo("grace");
      try (Connection late = proxy.connect(UpstreamDatabase.USER, upstream.password())) {
        selectOne(late); // routed before the load balancer noticed: still served
      }

      await().atMost(Duration.ofSeconds(30)).until(() -> phase(proxy).equals("draining"));
      assertThatThrownBy(() -> proxy.connect(UpstreamDatabase.USER, upstream.password()).close())
          .isInstanceOf(SQLException.class);
      // The transaction in flight goes on to its end; the session closes right after it.
      insert(inTransaction, mode, 2);
      inTransaction.commit();
      assertShutDown(inTransaction);
      assertShutDown(idle);

      shutdown.get();
      assertThat(count(mode)).as("both rows of the committed transaction").isEqualTo(2);
      assertThat(sample(proxy, "pgml_proxy_shutdown_sessions_closed_total")).isEqualTo(2.0);
      assertThat(sample(proxy, "pgml_proxy_shutdown_sessions_terminated_total")).isZero();
      assertThat(sample(proxy, "pgml_proxy_shutdown_phase{phase=\"stopped\"}")).isEqualTo(1.0);
      assertThat(proxy.server().activeSessions()).isZero();
    }
  }

  @Test
  void aTransactionStillOpenAtTheShutdownTimeoutGets57P01() throws Exception {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable")))) {
      Connection stuck = proxy.connect(UpstreamDatabase.USER, upstream.password());
      stuck.setAutoCommit(false);
      insert(stuck, "stuck", 1);

      proxy.server().shutdown(Duration.ZERO, Duration.ofMillis(500));

      assertShutDown(stuck);
      assertThat(count("stuck")).as("the unfinished transaction is rolled back").isZero();
      assertThat(sample(proxy, "pgml_proxy_shutdown_sessions_terminated_total")).isEqualTo(1.0);
      assertThat(sample(proxy, "pgml_proxy_shutdown_sessions_closed_total")).isZero();
    }
  }

  /** The session was ended by the proxy's shutdown: the next statement fails as PostgreSQL's would. */
  private static void assertShutDown(Connection connection) {
    assertThatThrownBy(() -> selectOne(connection)).isInstanceOfSatisfying(SQLException.class,
        e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("57P01"));
  }

  private static void selectOne(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
      assertThat(rows.next()).isTrue();
    }
  }

  private static void insert(Connection connection, String mode, int n) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.executeUpdate("INSERT INTO ledger VALUES ('" + mode + "', " + n + ")");
    }
  }

  private static long count(String mode) throws SQLException {
    try (Connection direct = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password()); Statement statement = direct.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM ledger WHERE mode = '" + mode + "'")) {
      rows.next();
      return rows.getLong(1);
    }
  }

  private static String phase(RunningProxy proxy) {
    Matcher matcher = Pattern.compile("(?m)^pgml_proxy_shutdown_phase\\{phase=\"(\\w+)\"} 1\\.0$")
        .matcher(proxy.server().metrics().scrape());
    return matcher.find() ? matcher.group(1) : "none";
  }

  /** One sample from the proxy's registry (the HTTP port is gone once it stopped). */
  private static double sample(RunningProxy proxy, String name) {
    for (String line : proxy.server().metrics().scrape().lines().toList()) {
      if (line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(name.length() + 1));
      }
    }
    throw new AssertionError(name + " not in the metrics");
  }

  private static int status(RunningProxy proxy, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
