package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.CallerDatabase;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * What the upstream receives for the product's call: an unnamed {@code dblink()} from a second
 * PostgreSQL logs in through the proxy, sends one Query and leaves. Across the WAN every statement
 * the proxy added (startup settings applied before the Query, a check, a reset the next client
 * waits for) would be a round trip or upstream work the caller never asked for, so the upstream's
 * own count of statements (pg_stat_statements) is the measure: in transaction mode the caller's
 * statement alone, also for logins that send none (dblink_connect + dblink_disconnect); in session
 * mode the same plus the reset of each connection a call used, pipelined ahead of the next client
 * (a login that sends nothing takes no connection, so it needs no reset).
 */
@ExtendWith(NettyLeakCheck.class)
class DblinkUpstreamStatementsIT {

  private static final String CALL = "SELECT * FROM dblink('%s', "
      + "'SELECT pgml.embed(''intfloat/e5-small-v2'', ''embed this text'')') AS t(embedding real[])";
  private static final String LOGIN = "SELECT dblink_connect('login', '%s'), dblink_disconnect('login')";
  private static final int CALLS = 5;
  private static final String EMBED = "SELECT pgml.embed($1, $2)";
  private static final String DISCARD_ALL = "DISCARD ALL";
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @RegisterExtension
  static final UpstreamFixture DB = UpstreamFixture.create(PostgresCluster.builder()
          .setting("shared_preload_libraries", "'pg_stat_statements'")
          .setting("pg_stat_statements.track_utility", "on"))
      .prepare(upstream -> upstream.cluster().execute(UpstreamDatabase.DATABASE,
          "CREATE EXTENSION IF NOT EXISTS pg_stat_statements"))
      .withProxy("transaction", ProxyOptions.defaults().poolMode("transaction"))
      .withProxy("session", ProxyOptions.defaults().poolMode("session"));

  private static PostgresCluster rds;

  @BeforeAll
  static void startRds() {
    rds = CallerDatabase.start();
    for (String mode : new String[] {"transaction", "session"}) {
      CallerDatabase.addServer(rds, mode, DB.proxy(mode).port(), DB.password(), Optional.of("disable"));
    }
  }

  @AfterAll
  static void stopRds() {
    if (rds != null) {
      rds.close();
    }
  }

  @Test
  void transactionModeSendsTheCallersStatementAndNothingElse() throws SQLException {
    callsAndLogins("transaction", Map.of());
    assertThat(upstreamStatements()).containsExactly(Map.entry(EMBED, (long) CALLS));
  }

  @Test
  void sessionModeAddsOnlyTheResetOfEachCallsConnectionAndALoginTakesNone() throws SQLException {
    // The warm-up call's connection is reset once its client has left: counted before the calls.
    // A dblink login that sends nothing is greeted from the pool (pool.sessionServerAt: first-message).
    callsAndLogins("session", Map.of(DISCARD_ALL, 1L));
    await().atMost(DEADLINE).untilAsserted(() -> assertThat(upstreamStatements())
        .containsOnly(Map.entry(EMBED, (long) CALLS), Map.entry(DISCARD_ALL, (long) CALLS)));
  }

  /**
   * One call that lets the pool log in (its first login connects and learns the server's parameters),
   * then, once the upstream ran {@code afterWarmUp}, its counts reset, {@link #CALLS} dblink calls and
   * as many dblink logins through the mode's proxy, one after another.
   */
  private static void callsAndLogins(String mode, Map<String, Long> afterWarmUp) throws SQLException {
    try (Connection caller = rds.connect(); Statement statement = caller.createStatement()) {
      call(statement, mode);
      await().atMost(DEADLINE).untilAsserted(() -> assertThat(upstreamStatements()).containsAllEntriesOf(afterWarmUp));
      resetUpstreamCounts();
      for (int i = 0; i < CALLS; i++) {
        call(statement, mode);
        try (ResultSet rows = statement.executeQuery(String.format(LOGIN, mode))) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getString(1)).isEqualTo("OK");
        }
      }
    }
  }

  private static void call(Statement statement, String mode) throws SQLException {
    try (ResultSet rows = statement.executeQuery(String.format(CALL, mode))) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getArray(1).getArray()).isNotNull();
    }
  }

  private static void resetUpstreamCounts() throws SQLException {
    try (Connection superuser = DB.cluster().connect(UpstreamDatabase.DATABASE, PostgresCluster.SUPERUSER,
        DB.cluster().superuserPassword()); Statement statement = superuser.createStatement()) {
      statement.execute("SELECT pg_stat_statements_reset()");
    }
  }

  private static Map<String, Long> upstreamStatements() throws SQLException {
    Map<String, Long> statements = new LinkedHashMap<>();
    try (Connection superuser = DB.cluster().connect(UpstreamDatabase.DATABASE, PostgresCluster.SUPERUSER,
        DB.cluster().superuserPassword()); Statement statement = superuser.createStatement();
         ResultSet rows = statement.executeQuery("SELECT query, calls FROM pg_stat_statements"
             + " WHERE userid = (SELECT oid FROM pg_roles WHERE rolname = '" + UpstreamDatabase.USER + "')"
             + " ORDER BY query")) {
      while (rows.next()) {
        statements.put(rows.getString(1), rows.getLong(2));
      }
    }
    return statements;
  }
}
