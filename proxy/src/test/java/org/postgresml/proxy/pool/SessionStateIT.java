package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamBackends;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * What one client leaves on a pooled backend must not reach the next. Each proxy has a pool of one,
 * so the next client gets the very same backend whenever the proxy deems it clean.
 */
@ExtendWith(NettyLeakCheck.class)
class SessionStateIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      .prepareAsOwner("CREATE TABLE notes (note text NOT NULL)")
      .withProxy("session", ProxyOptions.defaults().poolSize(1))
      .withProxy("transaction", ProxyOptions.defaults().poolSize(1).poolMode("transaction"));

  @Test
  void sessionStateOfOneClientIsGoneForTheNextOnTheSameBackend() throws SQLException {
    int firstPid;
    try (Connection first = upstream.connect("session");
         Statement statement = first.createStatement()) {
      firstPid = Integer.parseInt(single(statement, "SELECT pg_backend_pid()"));
      statement.execute("SET statement_timeout = '4321s'");
      statement.execute("SET myapp.tenant = 'first'");
      statement.execute("CREATE TEMP TABLE first_scratch (x int)");
      statement.execute("LISTEN first_channel");
      statement.execute("PREPARE first_plan AS SELECT 1");
      statement.execute("SELECT pg_advisory_lock(42)");
      assertThat(single(statement, "SELECT count(*) FROM pg_listening_channels()")).isEqualTo("1");
    }
    try (Connection second = upstream.connect("session");
         Statement statement = second.createStatement()) {
      assertThat(Integer.parseInt(single(statement, "SELECT pg_backend_pid()"))).as("pool of one: the same backend")
          .isEqualTo(firstPid);
      assertThat(single(statement, "SHOW statement_timeout")).isEqualTo("0");
      assertThat(single(statement, "SELECT current_setting('myapp.tenant', true)")).isNullOrEmpty();
      assertThat(single(statement, "SELECT count(*) FROM pg_class WHERE relname = 'first_scratch'")).isEqualTo("0");
      assertThat(single(statement, "SELECT count(*) FROM pg_listening_channels()")).isEqualTo("0");
      assertThat(single(statement, "SELECT count(*) FROM pg_prepared_statements WHERE name = 'first_plan'"))
          .isEqualTo("0");
      assertThat(single(statement, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")).isEqualTo("0");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void clientLeavingMidTransactionLeavesNothingOpenOrCommitted(String mode) throws Exception {
    String note = "mid-transaction " + mode;
    Connection leaving = upstream.connect(mode);
    int leavingPid;
    try (Statement statement = leaving.createStatement()) {
      leaving.setAutoCommit(false);
      statement.executeUpdate("INSERT INTO notes VALUES ('" + note + "')");
      leavingPid = Integer.parseInt(single(statement, "SELECT pg_backend_pid()"));
    }
    leaving.abort(Executors.newSingleThreadExecutor()); // the socket drops: no ROLLBACK, no Terminate
    assertNextClientSeesACleanBackend(mode, note, leavingPid);
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void clientLeavingMidCopyLeavesNothingOpenOrCommitted(String mode) throws Exception {
    String note = "mid-copy " + mode;
    Connection leaving = upstream.connect(mode);
    int leavingPid;
    try (Statement statement = leaving.createStatement()) {
      leavingPid = Integer.parseInt(single(statement, "SELECT pg_backend_pid()"));
    }
    CopyIn copy = leaving.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY notes FROM STDIN");
    byte[] row = (note + "\n").getBytes(StandardCharsets.UTF_8);
    copy.writeToCopy(row, 0, row.length);
    copy.flushCopy();
    await().atMost(Duration.ofSeconds(10)).until(() -> activeQueryOf(leavingPid).startsWith("COPY notes"));
    leaving.abort(Executors.newSingleThreadExecutor());
    assertNextClientSeesACleanBackend(mode, note, leavingPid);
  }

  private static void assertNextClientSeesACleanBackend(String mode, String note, int leavingPid) throws SQLException {
    try (Connection next = upstream.connect(mode);
         PreparedStatement rows = next.prepareStatement("SELECT count(*) FROM notes WHERE note = ?");
         Statement statement = next.createStatement()) {
      rows.setString(1, note);
      try (ResultSet count = rows.executeQuery()) {
        count.next();
        assertThat(count.getInt(1)).as("the next client does not run inside the left transaction").isZero();
      }
      assertThat(Integer.parseInt(single(statement, "SELECT pg_backend_pid()"))).as("the dirty backend was closed")
          .isNotEqualTo(leavingPid);
    }
    PostgresCluster cluster = upstream.cluster();
    await().atMost(Duration.ofSeconds(10)).until(() -> !UpstreamBackends.pids(cluster).contains(leavingPid));
    assertThat(UpstreamBackends.idleInTransaction(cluster)).isZero();
    try (Connection direct = cluster.connect(UpstreamDatabase.DATABASE, PostgresCluster.SUPERUSER,
        cluster.superuserPassword()); Statement statement = direct.createStatement()) {
      assertThat(single(statement, "SELECT count(*) FROM notes WHERE note = '" + note + "'"))
          .as("the uncommitted row was never committed").isEqualTo("0");
    }
  }

  private static String activeQueryOf(int pid) throws SQLException {
    try (Connection direct = upstream.cluster().connect(); Statement statement = direct.createStatement()) {
      String query = single(statement, "SELECT query FROM pg_stat_activity WHERE pid = " + pid);
      return query == null ? "" : query;
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void startupSettingsApplyToTheirClientOnly(String mode) throws SQLException {
    // libpq sends PGTZ and PGAPPNAME in its startup packet (as "timezone" and "application_name").
    List<String> settings = psql(mode, Map.of("PGTZ", "Asia/Tokyo", "PGAPPNAME", "first-app"),
        "SHOW TimeZone", "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()");
    assertThat(settings).containsExactly("Asia/Tokyo", "first-app");

    Properties jdbc = new Properties();
    jdbc.setProperty("ApplicationName", "jdbc-app");
    // Not TimeZone: pgjdbc also sends its JVM's TimeZone as a startup pair, which PostgreSQL applies
    // after options and so wins.
    jdbc.setProperty("options", "-c lock_timeout=4321");
    try (Connection connection = upstream.connect(mode, jdbc);
         Statement statement = connection.createStatement()) {
      assertThat(single(statement, "SHOW lock_timeout")).isEqualTo("4321ms");
      assertThat(single(statement, "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()"))
          .isEqualTo("jdbc-app");
    }

    // The next client asks for no time zone: it gets the server's default, not the one before it.
    List<String> next = psql(mode, Map.of("PGAPPNAME", "next-app"),
        "SELECT current_setting('TimeZone') = reset_val FROM pg_settings WHERE name = 'TimeZone'",
        "SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()");
    assertThat(next).containsExactly("t", "next-app");
  }

  private static List<String> psql(String mode, Map<String, String> env, String... queries) {
    List<String> command = new java.util.ArrayList<>(List.of(ClientPrograms.require("psql").toString(),
        "-h", "127.0.0.1", "-p", Integer.toString(upstream.proxy(mode).port()), "-U", UpstreamDatabase.USER,
        "-d", UpstreamDatabase.DATABASE, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1"));
    for (String query : queries) {
      command.addAll(List.of("-c", query));
    }
    Map<String, String> environment = new java.util.HashMap<>(env);
    environment.putAll(Map.of("PGPASSWORD", upstream.password(), "PGSSLMODE", "disable", "PGCONNECT_TIMEOUT", "10"));
    ClientPrograms.Result result = ClientPrograms.run(command, environment, Duration.ofSeconds(30));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    return result.stdout().lines().toList();
  }

  private static String single(Statement statement, String sql) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).as(sql).isTrue();
      return rows.getString(1);
    }
  }
}
