package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Startup parameters as PostgreSQL applies them: any setting in the StartupMessage (as node-postgres
 * sends {@code statement_timeout}, asyncpg its {@code server_settings}, pgjdbc {@code search_path}
 * for {@code currentSchema}) or in {@code options}; a bad one refused at login with PostgreSQL's own
 * error, compared with what the same startup gets from PostgreSQL itself.
 */
@ExtendWith(NettyLeakCheck.class)
class StartupSettingsIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      .withProxy("session", ProxyOptions.defaults())
      // One server connection: every client of this proxy runs on the same backend, one after another.
      .withProxy("transaction", ProxyOptions.defaults().poolMode("transaction").poolSize(1));

  private static Map<String, String> startup(String... settings) {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", UpstreamDatabase.USER);
    parameters.put("database", UpstreamDatabase.DATABASE);
    for (int i = 0; i < settings.length; i += 2) {
      parameters.put(settings[i], settings[i + 1]);
    }
    return parameters;
  }

  private static StartupClient.Login login(int port, Map<String, String> parameters) throws IOException {
    return StartupClient.login(port, parameters, upstream.password());
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void statementTimeoutInTheStartupPacketCancelsASleep(String mode) throws IOException {
    StartupClient.Login login = login(upstream.proxy(mode).port(), startup("statement_timeout", "10"));
    assertThat(login.refused()).as("%s", login.error()).isFalse();
    try (StartupClient client = login.client()) {
      StartupClient.Result sleep = client.query("SELECT pg_sleep(3)");
      assertThat(sleep.error()).as("pg_sleep(3) under statement_timeout=10").isNotNull()
          .containsEntry('C', "57014");
      // Transaction mode: applied again at the next transaction, whichever clients ran in between.
      try (StartupClient other = login(upstream.proxy(mode).port(), startup()).client()) {
        assertThat(other.query("SHOW statement_timeout").row()).containsExactly("0");
      }
      assertThat(client.query("SELECT pg_sleep(3)").error()).isNotNull().containsEntry('C', "57014");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void timeoutsAndCustomSettingsFromTheStartupPacket(String mode) throws IOException {
    StartupClient.Login login = login(upstream.proxy(mode).port(), startup("lock_timeout", "1234",
        "idle_in_transaction_session_timeout", "5000", "some.var", "hello", "search_path", "pgml, public"));
    assertThat(login.refused()).as("%s", login.error()).isFalse();
    try (StartupClient client = login.client()) {
      assertThat(client.query("SELECT current_setting('lock_timeout'), current_setting('idle_in_transaction_session_timeout'),"
          + " current_setting('some.var'), array_to_string(current_schemas(false), ',')").row())
          .containsExactly("1234ms", "5s", "hello", "pgml,public");
    }
  }

  @Test
  void psqlOptionsStatementTimeoutCancelsASleep() {
    ClientPrograms.Result result = psql(upstream.proxy("session").port(), "options='-c statement_timeout=10'",
        "SELECT pg_sleep(3)");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stderr()).contains("canceling statement due to statement timeout");
  }

  @Test
  void pgjdbcCurrentSchemaIsTheStartupSearchPath() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("currentSchema", "pgml,public");
    try (Connection connection = upstream.connect("session", properties);
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT current_schema()")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo("pgml");
    }
  }

  /** A setting PostgreSQL refuses at login is refused by the proxy at login, with PostgreSQL's error. */
  @ParameterizedTest
  @CsvSource({
      "statement_timeout, abc",        // 22023 invalid value
      "no_such_setting, 1",            // 42704 unrecognized parameter
      "shared_buffers, 1MB",           // 55P02 needs a restart
      "log_min_duration_sample, 5",    // 42501 superuser only (the upstream user is not one)
  })
  void aRefusedSettingIsRefusedAtLoginAsPostgresqlRefusesIt(String name, String value) throws IOException {
    StartupClient.Login direct = login(upstream.cluster().port(), startup(name, value));
    assertThat(direct.refused()).as("PostgreSQL refuses %s=%s", name, value).isTrue();
    for (String mode : List.of("session", "transaction")) {
      StartupClient.Login proxied = login(upstream.proxy(mode).port(), startup(name, value));
      assertThat(proxied.refused()).as("%s mode refuses %s=%s", mode, name, value).isTrue();
      assertThat(proxied.types()).as("no ReadyForQuery before the error").doesNotContain('Z');
      assertThat(proxied.error().get('C')).isEqualTo(direct.error().get('C'));
      assertThat(proxied.error().get('M')).isEqualTo(direct.error().get('M'));
      assertThat(proxied.error().get('S')).isEqualTo("FATAL");
    }
    // The connection that refused it serves the next client as before.
    for (String mode : List.of("session", "transaction")) {
      try (StartupClient next = login(upstream.proxy(mode).port(), startup()).client()) {
        assertThat(next.query("SELECT 1").row()).containsExactly("1");
      }
    }
  }

  @Test
  void psqlWithABadOptionFailsToConnectAsAgainstPostgresql() {
    ClientPrograms.Result direct = psql(upstream.cluster().port(), "options='-c statement_timeout=abc'", "SELECT 1");
    ClientPrograms.Result proxied = psql(upstream.proxy("session").port(), "options='-c statement_timeout=abc'",
        "SELECT 1");
    assertThat(direct.exitCode()).isEqualTo(2);
    assertThat(proxied.exitCode()).isEqualTo(direct.exitCode());
    String refusal = "FATAL:  invalid value for parameter \"statement_timeout\": \"abc\"";
    assertThat(direct.stderr()).contains(refusal);
    assertThat(proxied.stderr()).contains(refusal);
  }

  @Test
  void reportedSettingsInTheServersSpelling() throws IOException {
    StartupClient.Login direct = login(upstream.cluster().port(), startup("DateStyle", "ISO", "client_encoding", "utf8"));
    for (int attempt = 0; attempt < 2; attempt++) { // the first verifies, the second is answered from the record
      StartupClient.Login proxied = login(upstream.proxy("session").port(), startup("DateStyle", "ISO",
          "client_encoding", "utf8"));
      try (StartupClient client = proxied.client()) {
        assertThat(proxied.parameters().get("DateStyle")).isEqualTo(direct.parameters().get("DateStyle"));
        assertThat(proxied.parameters().get("client_encoding")).isEqualTo(direct.parameters().get("client_encoding"));
      }
    }
    direct.client().close();
  }

  private static ClientPrograms.Result psql(int port, String conninfoExtra, String sql) {
    List<String> command = new ArrayList<>(List.of(ClientPrograms.require("psql").toString(),
        "host=127.0.0.1 port=" + port + " user=" + UpstreamDatabase.USER + " dbname=" + UpstreamDatabase.DATABASE
            + " " + conninfoExtra, "-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql));
    Map<String, String> environment = new HashMap<>(Map.of("PGPASSWORD", upstream.password(), "PGSSLMODE", "disable",
        "PGCONNECT_TIMEOUT", "10"));
    return ClientPrograms.run(command, environment, Duration.ofSeconds(30));
  }
}
