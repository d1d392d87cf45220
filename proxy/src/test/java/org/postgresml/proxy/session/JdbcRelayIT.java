package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** pgjdbc through the proxy to a real PostgreSQL: both protocols, big results, transactions, notify, cancel. */
@ExtendWith(NettyLeakCheck.class)
class JdbcRelayIT {

  @RegisterExtension
  static final UpstreamFixture DB = UpstreamFixture.create().withProxy(ProxyOptions.defaults());

  private Connection connect() throws SQLException {
    return DB.connect();
  }

  @Test
  void simpleProtocol() throws SQLException {
    Properties simple = new Properties();
    simple.setProperty("preferQueryMode", "simple");
    try (Connection connection = DB.connect(simple);
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT current_user, current_database(), 6 * 7")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getString(1)).isEqualTo(UpstreamDatabase.USER);
      assertThat(rows.getString(2)).isEqualTo(UpstreamDatabase.DATABASE);
      assertThat(rows.getInt(3)).isEqualTo(42);
    }
  }

  @Test
  void extendedProtocolWithServerPreparedStatement() throws SQLException {
    Properties prepared = new Properties();
    prepared.setProperty("prepareThreshold", "1");
    try (Connection connection = DB.connect(prepared);
         PreparedStatement statement = connection.prepareStatement("SELECT ?::int * 2, pgml.embed('m', ?)")) {
      for (int i = 0; i < 5; i++) {
        statement.setInt(1, i);
        statement.setString(2, "text " + i);
        try (ResultSet rows = statement.executeQuery()) {
          assertThat(rows.next()).isTrue();
          assertThat(rows.getInt(1)).isEqualTo(i * 2);
          assertThat((Float[]) rows.getArray(2).getArray()).hasSize(8);
        }
      }
    }
  }

  @Test
  void tenThousandRows() throws SQLException {
    try (Connection connection = connect();
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT i, repeat('x', 100) FROM generate_series(1, 10000) i")) {
      long count = 0;
      long sum = 0;
      while (rows.next()) {
        count++;
        sum += rows.getInt(1);
        assertThat(rows.getString(2)).hasSize(100);
      }
      assertThat(count).isEqualTo(10000);
      assertThat(sum).isEqualTo(10000L * 10001 / 2);
    }
  }

  @Test
  void rollbackDiscardsTheTransaction() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE IF NOT EXISTS rollback_probe (id int)");
      statement.execute("TRUNCATE rollback_probe");
      connection.setAutoCommit(false);
      statement.execute("INSERT INTO rollback_probe VALUES (1), (2)");
      try (ResultSet inside = statement.executeQuery("SELECT count(*) FROM rollback_probe")) {
        inside.next();
        assertThat(inside.getInt(1)).isEqualTo(2);
      }
      connection.rollback();
      connection.setAutoCommit(true);
      try (ResultSet after = statement.executeQuery("SELECT count(*) FROM rollback_probe")) {
        after.next();
        assertThat(after.getInt(1)).isZero();
      }
    }
  }

  @Test
  void notificationsAreDelivered() throws SQLException {
    try (Connection listener = connect(); Connection notifier = connect()) {
      try (Statement statement = listener.createStatement()) {
        statement.execute("LISTEN proxy_channel");
      }
      try (Statement statement = notifier.createStatement()) {
        statement.execute("NOTIFY proxy_channel, 'hello through the proxy'");
      }
      PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(10_000);
      assertThat(notifications).isNotNull().hasSize(1);
      assertThat(notifications[0].getName()).isEqualTo("proxy_channel");
      assertThat(notifications[0].getParameter()).isEqualTo("hello through the proxy");
    }
  }

  @Test
  void aClientThatTakesItsServerAtLoginSeesTheRealBackendPid() throws SQLException {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", DB.url("disable"),
        "--session-server-at", "login"))) {
      for (int login = 0; login < 2; login++) { // the pool's first login, and one after it
        try (Connection connection = proxy.connect(UpstreamDatabase.USER, DB.password())) {
          assertThat(connection.unwrap(PGConnection.class).getBackendPID()).isEqualTo(backendPid(connection));
        }
      }
    }
  }

  @Test
  void aClientGreetedFromThePoolGetsAPidOfTheProxysOwn() throws SQLException {
    try (Connection first = connect(); Connection second = connect()) {
      for (Connection connection : List.of(first, second)) {
        assertThat(connection.unwrap(PGConnection.class).getBackendPID()).isPositive()
            .isNotEqualTo(backendPid(connection));
      }
    }
  }

  private static int backendPid(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void cancelEndsALongQueryQuickly() throws Exception {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      int backend = backendPid(connection);
      CompletableFuture<Void> running = CompletableFuture.runAsync(() -> {
        try {
          statement.execute("SELECT pg_sleep(30)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      awaitQueryRunning(backend);
      long started = System.nanoTime();
      statement.cancel();
      assertThatThrownBy(() -> running.get(2, TimeUnit.SECONDS)).hasRootCauseInstanceOf(SQLException.class)
          .rootCause().satisfies(cause -> assertThat(((SQLException) cause).getSQLState()).isEqualTo("57014"));
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    }
  }

  @Test
  void terminatedBackendReachesTheClientAsFatal() throws SQLException {
    try (Connection victim = connect(); Connection killer = connect()) {
      int pid = backendPid(victim);
      try (Statement statement = killer.createStatement()) {
        statement.execute("SELECT pg_terminate_backend(" + pid + ")");
      }
      assertThatThrownBy(() -> {
        try (Statement statement = victim.createStatement()) {
          statement.execute("SELECT 1");
        }
      }).isInstanceOf(SQLException.class)
          .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isIn("57P01", "08006", "08003"));
    }
  }

  private void awaitQueryRunning(int pid) throws SQLException {
    try (Connection observer = DB.cluster().connect(); PreparedStatement query = observer.prepareStatement(
        "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND query LIKE 'SELECT pg_sleep%' AND state = 'active'")) {
      query.setInt(1, pid);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
        try (ResultSet rows = query.executeQuery()) {
          rows.next();
          return rows.getInt(1) == 1;
        }
      });
    }
  }
}
