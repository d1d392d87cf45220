package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Transaction mode, a table changed under a statement that clients share by text on one server
 * connection ({@code ALTER TABLE … TYPE} from another session between their calls): pgjdbc with
 * {@code prepareThreshold=1} (a named server statement from the second execution) gets what it gets
 * from PostgreSQL itself: a statement prepared after the change plans afresh, and a statement that
 * went stale is refused once ("cached plan must not change result type"), which pgjdbc heals by
 * preparing it again and retrying.
 */
@ExtendWith(NettyLeakCheck.class)
class StalePreparedStatementIT {

  private static final String QUERY = "SELECT a, b FROM stale_plan WHERE a = ?";

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create()
      // One server connection: every client's statement lives on the same backend.
      .withProxy(ProxyOptions.defaults().poolMode("transaction").poolSize(1));

  @BeforeAll
  static void createTable() throws SQLException {
    ddl("CREATE TABLE stale_plan (a int, b int)", "INSERT INTO stale_plan VALUES (1, 2)");
  }

  /** DDL from a session of its own, straight to the upstream, as an operator's migration runs. */
  private static void ddl(String... statements) throws SQLException {
    try (Connection direct = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password()); Statement statement = direct.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    }
  }

  private static Connection client() throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("prepareThreshold", "1");
    return upstream.connect(properties);
  }

  /** The row's b and the type the server says it has. */
  private static String run(PreparedStatement statement) throws SQLException {
    statement.setInt(1, 1);
    try (ResultSet rows = statement.executeQuery()) {
      assertThat(rows.next()).isTrue();
      return rows.getString(2) + " " + rows.getMetaData().getColumnTypeName(2);
    }
  }

  @Test
  void clientsGetAFreshPlanAfterTheTableChangedUnderTheirStatement() throws SQLException {
    try (Connection first = client(); PreparedStatement firstQuery = first.prepareStatement(QUERY)) {
      assertThat(run(firstQuery)).isEqualTo("2 int4");
      assertThat(run(firstQuery)).as("now a named server statement").isEqualTo("2 int4");

      ddl("ALTER TABLE stale_plan ALTER COLUMN b TYPE text");

      // A client that prepares the same text after the change gets a plan made now (PostgreSQL
      // would plan it afresh for its session): not the server statement the first client left.
      try (Connection next = client(); PreparedStatement nextQuery = next.prepareStatement(QUERY)) {
        assertThat(run(nextQuery)).isEqualTo("2 text");
        assertThat(run(nextQuery)).isEqualTo("2 text");
      }

      ddl("ALTER TABLE stale_plan ALTER COLUMN b TYPE bigint USING b::bigint");

      // The first client's statement is stale: the server refuses its Bind with 0A000 "cached plan
      // must not change result type", as PostgreSQL refuses it in its own session; pgjdbc (autocommit)
      // prepares it again at once and retries (willHealOnRetry), and the proxy must prepare that
      // afresh rather than bind the stale server statement again (which failed the retry before).
      assertThat(run(firstQuery)).isEqualTo("2 int8");
      assertThat(run(firstQuery)).isEqualTo("2 int8");
    }
  }
}
