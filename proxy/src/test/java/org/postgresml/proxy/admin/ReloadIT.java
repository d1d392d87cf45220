package org.postgresml.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.util.PSQLException;

/**
 * A proxy started with --config FILE, reconfigured while clients stay connected: RELOAD, the file
 * changed on disk alone, an invalid file, a new client password, a new upstream login.
 */
@ExtendWith(NettyLeakCheck.class)
class ReloadIT {

  private static final String APP = "app";
  private static final String OTHER_UPSTREAM_USER = "pgml_other";
  private static final String OTHER_UPSTREAM_PASSWORD = "other-upstream-pw";

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      .prepare(database -> database.cluster().createUser(OTHER_UPSTREAM_USER, OTHER_UPSTREAM_PASSWORD));

  @TempDir
  Path directory;

  @Test
  void reloadResizesThePoolWithoutClosingSessions() throws Exception {
    Path file = writeConfig(upstream.url("disable"), "app-pw", 2);
    try (RunningProxy proxy = start(file); Connection first = login(proxy, "app-pw");
        Connection second = login(proxy, "app-pw")) {
      int firstPid = AdminConsoleIT.backendPid(first);
      AdminConsoleIT.backendPid(second);
      AdminPsql admin = new AdminPsql(proxy, APP, "app-pw");
      // Two servers, both held: a third client waits for the pool to grow.
      CompletableFuture<Connection> third = CompletableFuture.supplyAsync(() -> {
        try {
          Connection connection = login(proxy, "app-pw");
          AdminConsoleIT.backendPid(connection);
          return connection;
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pool(admin))
          .containsEntry("cl_waiting", "1"));

      writeConfig(file, upstream.url("disable"), "app-pw", 3);
      ClientPrograms.Result reload = admin.run("RELOAD");
      assertThat(reload.exitCode()).as(reload.stderr()).isZero();
      assertThat(config(admin, "pool.size")).isEqualTo("3");
      try (Connection served = third.get(20, TimeUnit.SECONDS)) {
        assertThat(AdminConsoleIT.backendPid(first)).as("the session from before the reload").isEqualTo(firstPid);

        writeConfig(file, upstream.url("disable"), "app-pw", 1);
        assertThat(admin.run("RELOAD").exitCode()).isZero();
        assertThat(config(admin, "pool.size")).isEqualTo("1");
      }
      second.close();
      // Released connections beyond the new size close; the held one stays with its session.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pool(admin))
          .containsEntry("sv_active", "1").containsEntry("sv_idle", "0"));
      assertThat(AdminConsoleIT.backendPid(first)).isEqualTo(firstPid);
    }
  }

  @Test
  void aSessionModeClientsConnectionIsResetWhenItLeavesAfterAReloadToTransactionMode() throws Exception {
    Path file = writeConfig(directory.resolve("pgml-proxy.yaml"), upstream.url("disable"), "app-pw", 1, "session");
    try (RunningProxy proxy = start(file)) {
      AdminPsql admin = new AdminPsql(proxy, APP, "app-pw");
      int backend;
      try (Connection first = login(proxy, "app-pw")) {
        backend = AdminConsoleIT.backendPid(first);
        scalar(first, "SELECT set_config('statement_timeout', '4321s', false)");
        writeConfig(file, upstream.url("disable"), "app-pw", 1, "transaction");
        assertThat(admin.run("RELOAD").exitCode()).isZero();
        assertThat(config(admin, "pool.mode")).isEqualTo("transaction");
      }
      try (Connection next = login(proxy, "app-pw")) {
        assertThat(AdminConsoleIT.backendPid(next)).as("a pool of one: the same backend").isEqualTo(backend);
        assertThat(scalar(next, "SHOW statement_timeout")).as("the first client's SET").isEqualTo("0");
      }
    }
  }

  @Test
  void aFileChangedOnDiskIsPickedUpWithoutACommand() throws Exception {
    Path file = writeConfig(upstream.url("disable"), "app-pw", 2);
    try (RunningProxy proxy = start(file); Connection session = login(proxy, "app-pw")) {
      int pid = AdminConsoleIT.backendPid(session);
      AdminPsql admin = new AdminPsql(proxy, APP, "app-pw");
      writeConfig(file, upstream.url("disable"), "app-pw", 7);
      await().atMost(Duration.ofSeconds(10)).until(() -> "7".equals(config(admin, "pool.size")));
      assertThat(proxy.server().settings().pool().perPool().size()).isEqualTo(7);
      assertThat(AdminConsoleIT.backendPid(session)).isEqualTo(pid);
    }
  }

  @Test
  void anInvalidFileIsRejectedAndTheRunningConfigurationStays() throws Exception {
    Path file = writeConfig(upstream.url("disable"), "app-pw", 2);
    try (RunningProxy proxy = start(file)) {
      AdminPsql admin = new AdminPsql(proxy, APP, "app-pw");
      Files.writeString(file, Files.readString(file).replace("size: 2", "size: -3"));
      ClientPrograms.Result reload = admin.run("RELOAD");
      assertThat(reload.exitCode()).isNotZero();
      assertThat(reload.stderr()).contains("ERROR").contains("must be at least 1, not -3")
          .doesNotContain("Exception").doesNotContain(upstream.password());
      assertThat(config(admin, "pool.size")).isEqualTo("2");
      try (Connection session = login(proxy, "app-pw")) {
        assertThat(AdminConsoleIT.backendPid(session)).isPositive();
      }
    }
  }

  @Test
  void aChangedClientPasswordAppliesToNewLoginsOnly() throws Exception {
    Path file = writeConfig(upstream.url("disable"), "old-pw", 2);
    try (RunningProxy proxy = start(file); Connection before = login(proxy, "old-pw")) {
      int pid = AdminConsoleIT.backendPid(before);
      writeConfig(file, upstream.url("disable"), "new-pw", 2);
      assertThat(new AdminPsql(proxy, APP, "old-pw").run("RELOAD").exitCode()).isZero();
      assertThatThrownBy(() -> login(proxy, "old-pw").close())
          .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      try (Connection after = login(proxy, "new-pw")) {
        assertThat(AdminConsoleIT.backendPid(after)).isPositive();
      }
      assertThat(AdminConsoleIT.backendPid(before)).isEqualTo(pid);
    }
  }

  @Test
  void aChangedUpstreamLoginDrainsTheOldConnections() throws Exception {
    Path file = writeConfig(upstream.url("disable"), "app-pw", 4);
    try (RunningProxy proxy = start(file)) {
      Connection before = login(proxy, "app-pw");
      assertThat(currentUser(before)).isEqualTo(UpstreamDatabase.USER);
      login(proxy, "app-pw").close(); // a second connection, now idle in the pool
      String otherUrl = upstream.url("disable").replace(UpstreamDatabase.USER + ":" + upstream.password(),
          OTHER_UPSTREAM_USER + ":" + OTHER_UPSTREAM_PASSWORD);
      writeConfig(file, otherUrl, "app-pw", 4);
      assertThat(new AdminPsql(proxy, APP, "app-pw").run("RELOAD").exitCode()).isZero();

      // The session in flight keeps its connection; new ones log in with the new credentials.
      assertThat(currentUser(before)).isEqualTo(UpstreamDatabase.USER);
      try (Connection after = login(proxy, "app-pw")) {
        assertThat(currentUser(after)).isEqualTo(OTHER_UPSTREAM_USER);
      }
      assertThat(upstreamBackends(UpstreamDatabase.USER)).isEqualTo(1); // the idle one closed at once
      before.close();
      await().atMost(Duration.ofSeconds(10)).until(() -> upstreamBackends(UpstreamDatabase.USER) == 0);
      try (Connection again = login(proxy, "app-pw")) {
        assertThat(currentUser(again)).isEqualTo(OTHER_UPSTREAM_USER);
      }
    }
  }

  @Test
  void aCancelAfterTheUpstreamMovedStillReachesTheOldUpstreamsBackend() throws Exception {
    Path file = writeConfig(upstream.url("disable"), "app-pw", 4);
    try (UpstreamDatabase moved = UpstreamDatabase.start(); RunningProxy proxy = start(file);
        Connection before = login(proxy, "app-pw")) {
      AdminConsoleIT.backendPid(before);
      writeConfig(file, moved.url("disable"), "app-pw", 4);
      assertThat(new AdminPsql(proxy, APP, "app-pw").run("RELOAD").exitCode()).isZero();
      try (Connection after = login(proxy, "app-pw")) {
        assertThat(currentPort(after)).as("new sessions use the new upstream").isEqualTo(moved.cluster().port());
      }

      // The session from before still runs on the old upstream: its cancel must go there.
      try (Statement sleeping = before.createStatement()) {
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
          try {
            sleeping.execute("SELECT pg_sleep(60)");
            return null;
          } catch (SQLException e) {
            return e;
          }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> sleepingBackends() == 1);
        sleeping.cancel();
        Throwable failure = outcome.get(10, TimeUnit.SECONDS);
        assertThat(failure).isInstanceOf(PSQLException.class);
        assertThat(((PSQLException) failure).getSQLState()).isEqualTo("57014");
      }
    }
  }

  private static int sleepingBackends() throws SQLException {
    return upstreamActivity("query LIKE 'SELECT pg_sleep(60)%' AND state = 'active'");
  }

  private static int upstreamBackends(String user) throws SQLException {
    return upstreamActivity("usename = '" + user + "' AND backend_type = 'client backend'");
  }

  /** Backends of the (first) upstream that match a pg_stat_activity condition. */
  private static int upstreamActivity(String condition) throws SQLException {
    try (Connection direct = upstream.cluster().connect();
        Statement statement = direct.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE " + condition)) {
      rows.next();
      return rows.getInt(1);
    }
  }

  private static int currentPort(Connection connection) throws SQLException {
    return Integer.parseInt(scalar(connection, "SELECT inet_server_port()"));
  }

  private static String currentUser(Connection connection) throws SQLException {
    return scalar(connection, "SELECT current_user");
  }

  private static String scalar(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  private static Map<String, String> pool(AdminPsql admin) {
    return admin.show("SHOW POOLS").stream().filter(row -> APP.equals(row.get("user"))).findFirst()
        .orElseThrow(() -> new AssertionError("no pool for " + APP));
  }

  static String config(AdminPsql admin, String key) {
    return admin.show("SHOW CONFIG").stream().filter(row -> key.equals(row.get("key"))).findFirst()
        .orElseThrow().get("value");
  }

  private static RunningProxy start(Path file) {
    return RunningProxy.start(List.of("--config", file.toString()));
  }

  private static Connection login(RunningProxy proxy, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", APP);
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection(proxy.jdbcUrl(UpstreamDatabase.DATABASE, "disable"), properties);
  }

  private Path writeConfig(String url, String appPassword, int poolSize) throws IOException {
    return writeConfig(directory.resolve("pgml-proxy.yaml"), url, appPassword, poolSize);
  }

  /** Replaces the file as Kubernetes does a mounted Secret: a new file moved over the old one. */
  static Path writeConfig(Path file, String url, String appPassword, int poolSize) throws IOException {
    return writeConfig(file, url, appPassword, poolSize, "session");
  }

  static Path writeConfig(Path file, String url, String appPassword, int poolSize, String mode) throws IOException {
    String yaml = "upstream:\n  url: \"" + url + "\"\n"
        + "clientAuth:\n  users:\n    - name: " + APP + "\n      password: \"" + appPassword + "\"\n"
        + "adminUsers: [" + APP + "]\n"
        + "pool:\n  size: " + poolSize + "\n  mode: " + mode + "\n";
    Path next = Files.createTempFile(file.getParent(), "next-", ".yaml");
    Files.writeString(next, yaml);
    return Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }
}
