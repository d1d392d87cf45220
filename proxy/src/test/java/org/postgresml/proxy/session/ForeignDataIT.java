package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import java.util.Optional;
import org.postgresml.proxy.CallerDatabase;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The product's use: a second PostgreSQL (the "RDS" side) reaches the stand-in PostgresML through
 * the proxy with dblink and postgres_fdw, running the SQL of PostgresML's blog post.
 */
@ExtendWith(NettyLeakCheck.class)
class ForeignDataIT {

  @RegisterExtension
  static final UpstreamFixture DB = UpstreamFixture.create()
      .prepareAsOwner("CREATE TABLE documents AS SELECT i AS id, 'document ' || i AS body"
          + " FROM generate_series(1, 1000) i")
      .withProxy(ProxyOptions.defaults());

  private static PostgresCluster rds;

  @BeforeAll
  static void startRds() {
    rds = CallerDatabase.start();
    CallerDatabase.addServer(rds, "postgresml", DB.proxy().port(), DB.password(), Optional.empty());
  }

  @AfterAll
  static void stopRds() {
    if (rds != null) {
      rds.close();
    }
  }



  @Test
  void dblinkEmbedsThroughTheProxy() throws SQLException {
    try (Connection connection = rds.connect(); Statement statement = connection.createStatement()) {
      for (int call = 0; call < 3; call++) { // every unnamed dblink call opens and closes a connection
        try (ResultSet rows = statement.executeQuery("SELECT * FROM dblink('postgresml', "
            + "'SELECT pgml.embed(''intfloat/e5-small-v2'', ''embed this text'')') AS t(embedding real[])")) {
          assertThat(rows.next()).isTrue();
          float[] expected = PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "embed this text");
          Float[] actual = (Float[]) rows.getArray(1).getArray();
          assertThat(actual).hasSize(expected.length);
          for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).isEqualTo(expected[i]);
          }
        }
      }
    }
  }

  @Test
  void postgresFdwReadsAForeignTableWithACursor() throws SQLException {
    try (Connection connection = rds.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE FOREIGN TABLE IF NOT EXISTS documents (id int, body text) SERVER postgresml "
          + "OPTIONS (schema_name 'public', table_name 'documents', fetch_size '50')");
      // postgres_fdw declares a cursor and FETCHes 50 rows at a time: 20 round trips through the proxy.
      try (ResultSet rows = statement.executeQuery("SELECT count(*), sum(id), max(body) FROM documents")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).isEqualTo(1000);
        assertThat(rows.getLong(2)).isEqualTo(1000L * 1001 / 2);
        assertThat(rows.getString(3)).isEqualTo("document 999");
      }
      try (ResultSet plan = statement.executeQuery("EXPLAIN (VERBOSE) SELECT id FROM documents WHERE id < 10")) {
        StringBuilder text = new StringBuilder();
        while (plan.next()) {
          text.append(plan.getString(1)).append('\n');
        }
        assertThat(text).contains("Foreign Scan").contains("Remote SQL");
      }
    }
  }
}
