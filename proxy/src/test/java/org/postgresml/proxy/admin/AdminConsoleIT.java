package org.postgresml.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.util.PSQLException;

/**
 * The admin console through the real psql: every command, against a real proxy in front of a real
 * PostgreSQL. With only --database-url, the URL's user is the admin.
 */
@ExtendWith(NettyLeakCheck.class)
class AdminConsoleIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().withProxy(ProxyOptions.defaults().poolSize(4));

  private static AdminPsql admin;

  @BeforeAll
  static void connectAdmin() {
    admin = new AdminPsql(upstream.proxy(), UpstreamDatabase.USER, upstream.password());
  }

  @Test
  void showPoolsClientsAndServersShowAConnectedClient() throws SQLException {
    try (Connection client = upstream.connect()) {
      int backendPid = backendPid(client);

      Map<String, String> pool = poolRow();
      assertThat(pool).containsEntry("cl_active", "1").containsEntry("sv_active", "1")
          .containsEntry("cl_waiting", "0").containsEntry("pool_mode", "session");

      List<Map<String, String>> clients = admin.show("SHOW CLIENTS");
      assertThat(clients).anySatisfy(row -> assertThat(row).containsEntry("database", UpstreamDatabase.DATABASE)
          .containsEntry("user", UpstreamDatabase.USER).containsEntry("state", "active")
          .containsEntry("remote_pid", Integer.toString(backendPid)));
      // psql's own console session is a client too.
      assertThat(clients).anySatisfy(row -> assertThat(row).containsEntry("database", AdminConsole.DATABASE));

      List<Map<String, String>> servers = admin.show("SHOW SERVERS");
      assertThat(servers).anySatisfy(row -> assertThat(row).containsEntry("type", "S")
          .containsEntry("state", "active").containsEntry("remote_pid", Integer.toString(backendPid))
          .containsEntry("port", Integer.toString(upstream.cluster().port())));
    }
    // Released: the connection stays in the pool, idle, and no client is active.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      Map<String, String> pool = poolRow();
      assertThat(pool).containsEntry("cl_active", "0").containsEntry("sv_active", "0");
      assertThat(Integer.parseInt(pool.get("sv_idle"))).isPositive();
    });
  }

  @Test
  void everyCommandAnswersAndNoneShowsThePassword() {
    for (String command : List.of("SHOW POOLS", "SHOW CLIENTS", "SHOW SERVERS", "SHOW STATS", "SHOW CONFIG",
        "SHOW VERSION", "SHOW HELP", "RELOAD", "PAUSE", "RESUME")) {
      ClientPrograms.Result result = admin.run(command);
      assertThat(result.exitCode()).as(command + ": " + result.stderr()).isZero();
      assertThat(result.stdout()).as(command).isNotBlank().doesNotContain(upstream.password());
      assertThat(result.stderr()).as(command).doesNotContain(upstream.password());
    }
    assertThat(admin.show("SHOW VERSION")).singleElement()
        .satisfies(row -> assertThat(row.get("version")).startsWith("pgml-proxy "));
    assertThat(admin.show("SHOW HELP")).extracting(row -> row.get("command")).contains("SHOW POOLS",
        "SHOW CLIENTS", "SHOW SERVERS", "SHOW STATS", "SHOW CONFIG", "SHOW VERSION", "RELOAD", "PAUSE", "RESUME",
        "SHUTDOWN");
    List<Map<String, String>> config = admin.show("SHOW CONFIG");
    assertThat(config).anySatisfy(row -> assertThat(row).containsEntry("key", "pool.size")
        .containsEntry("value", "4"));
    assertThat(config).anySatisfy(row -> assertThat(row.get("key")).isEqualTo("upstream.url"));
    assertThat(config).anySatisfy(row -> assertThat(row).containsEntry("key", "limits.maxMessageSize")
        .containsEntry("value", "64MB").containsEntry("default", "64MB"));
    assertThat(config).anySatisfy(row -> assertThat(row).containsEntry("key", "limits.maxPreparedStatements")
        .containsEntry("value", "1000"));
    assertThat(admin.run("RELOAD").stdout()).contains("RELOAD");
  }

  @Test
  void unknownCommandIsASyntaxErrorAndTheSessionGoesOn() {
    ClientPrograms.Result result = admin.run("SHOW NONSENSE", "SHOW VERSION");
    assertThat(result.stderr()).contains("42601").contains("unknown admin command");
    assertThat(result.stdout()).contains("pgml-proxy ");
  }

  @Test
  void aUserWhoIsNotAnAdminIsRefused() {
    assertThatThrownBy(() -> DriverManager.getConnection(upstream.proxy().jdbcUrl(AdminConsole.DATABASE, "disable"),
        "intruder", "whatever").close())
        .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    ClientPrograms.Result psql = new AdminPsql(upstream.proxy(), "intruder", "whatever").run("SHOW POOLS");
    assertThat(psql.exitCode()).isNotZero();
    assertThat(psql.stderr()).contains("not an admin");
  }

  @Test
  void pauseWaitsForActiveServersAndResumeLetsWaitingClientsIn() throws Exception {
    CompletableFuture<ClientPrograms.Result> pause;
    try (Connection busy = upstream.connect()) {
      backendPid(busy);
      pause = CompletableFuture.supplyAsync(() -> admin.run("PAUSE"));
      // While the client holds its server connection, PAUSE does not return.
      await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> !pause.isDone());
    }
    ClientPrograms.Result paused = pause.get(30, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(paused.exitCode()).as(paused.stderr()).isZero();
    assertThat(paused.stdout()).contains("PAUSE");

    CompletableFuture<Integer> newcomer = CompletableFuture.supplyAsync(() -> {
      try (Connection late = upstream.connect()) {
        return backendPid(late);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    });
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(5)).until(() -> !newcomer.isDone());
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(poolRow()).containsEntry("cl_waiting",
        "1"));
    assertThat(admin.run("RESUME").exitCode()).isZero();
    assertThat(newcomer.get(20, java.util.concurrent.TimeUnit.SECONDS)).isPositive();
  }

  @Test
  void showStatsAndMetricsCountTransactionsAndQueries() throws Exception {
    int transactions = 25;
    java.util.Properties unnamedOnly = new java.util.Properties();
    unnamedOnly.setProperty("prepareThreshold", "0"); // no describe-only round trips: one Sync per execute
    try (Connection client = upstream.connect(unnamedOnly);
        Statement statement = client.createStatement()) {
      statement.execute("SELECT 1");
      Map<String, String> before = statsRow();
      double metricBefore = metric("pgml_proxy_pool_transactions_seconds_count");
      for (int i = 0; i < transactions; i++) {
        statement.execute("SELECT pg_sleep(0.001)");
      }
      client.setAutoCommit(false); // one transaction
      statement.execute("SELECT 1");
      statement.execute("SELECT 2");
      client.commit();
      Map<String, String> after = statsRow();
      assertThat(delta(before, after, "total_xact_count")).isEqualTo(transactions + 1);
      // SELECT 1, SELECT 2, COMMIT, and pgjdbc's BEGIN when it sends it in a batch of its own.
      assertThat(delta(before, after, "total_query_count")).isBetween(transactions + 3L, transactions + 4L);
      assertThat(delta(before, after, "total_received")).isPositive();
      assertThat(delta(before, after, "total_sent")).isPositive();
      // Each sleeps 1 ms upstream: the proxy's clock must see at least that.
      assertThat(delta(before, after, "total_xact_time")).isGreaterThanOrEqualTo(transactions * 1000L);
      assertThat(delta(before, after, "total_query_time")).isGreaterThanOrEqualTo(transactions * 1000L);
      assertThat(metric("pgml_proxy_pool_transactions_seconds_count") - metricBefore)
          .isEqualTo(transactions + 1.0);
      assertThat(metric("pgml_proxy_pool_queries_seconds_count")).isGreaterThanOrEqualTo(transactions + 3.0);
      assertThat(metricsText()).contains("pgml_proxy_pool_transactions_seconds_bucket{")
          .contains("pgml_proxy_pool_queries_seconds_bucket{");
      assertThat(metric("pgml_proxy_pool_client_received_bytes_total")).isPositive();
      assertThat(metric("pgml_proxy_pool_client_sent_bytes_total")).isPositive();
    }
  }

  @Test
  void shutdownTurnsNotReadyThenStopsAcceptingAndClosesIdleSessions() throws Exception {
    try (RunningProxy draining = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
        "--shutdown-grace", "1s"))) {
      Connection client = draining.connect(UpstreamDatabase.USER, upstream.password());
      backendPid(client);
      ClientPrograms.Result shutdown = new AdminPsql(draining, UpstreamDatabase.USER, upstream.password())
          .run("SHUTDOWN");
      assertThat(shutdown.exitCode()).as(shutdown.stderr()).isZero();
      assertThat(shutdown.stdout()).contains("SHUTDOWN");
      // Readiness says so at once; after the grace new clients are refused and the idle session is closed.
      assertThat(httpStatus(draining, "/readyz")).isEqualTo(503);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThatThrownBy(
          () -> draining.connect(UpstreamDatabase.USER, upstream.password()).close())
          .isInstanceOf(SQLException.class));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThatThrownBy(() -> backendPid(client))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57P01")));
      client.close();
      // The last session gone, the proxy finishes its drain and stops its HTTP port too.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThatThrownBy(
          () -> httpStatus(draining, "/livez")).isInstanceOf(java.io.IOException.class));
      assertThat(draining.server().activeSessions()).isZero();
    }
  }

  private static int httpStatus(RunningProxy target, String path) throws Exception {
    return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + target.httpPort() + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  private static long delta(Map<String, String> before, Map<String, String> after, String column) {
    return Long.parseLong(after.get(column)) - Long.parseLong(before.get(column));
  }

  private static Map<String, String> statsRow() {
    return admin.show("SHOW STATS").stream().filter(row -> UpstreamDatabase.DATABASE.equals(row.get("database")))
        .findFirst().orElseThrow();
  }

  private static Map<String, String> poolRow() {
    return admin.show("SHOW POOLS").stream()
        .filter(row -> UpstreamDatabase.DATABASE.equals(row.get("database"))
            && UpstreamDatabase.USER.equals(row.get("user")))
        .findFirst().orElseThrow(() -> new AssertionError("no pool for the client in SHOW POOLS"));
  }

  private static double metric(String name) throws Exception {
    Matcher matcher = Pattern.compile("(?m)^" + name + "\\{[^}]*database=\"" + UpstreamDatabase.DATABASE
        + "\"[^}]*} (\\S+)$").matcher(metricsText());
    assertThat(matcher.find()).as(name + " in /metrics").isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  private static String metricsText() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + upstream.proxy().httpPort() + "/metrics")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  static int backendPid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
      rows.next();
      return rows.getInt(1);
    }
  }
}
