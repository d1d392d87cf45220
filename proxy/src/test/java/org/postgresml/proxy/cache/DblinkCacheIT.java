package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postgresml.proxy.cache.CachedProxy.ALICE;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The product's call, cached: the blog's dblink SQL from a second PostgreSQL (the "RDS" side), and
 * psql, through the real proxy; repeated calls are answered without reaching the stand-in PostgresML.
 */
@ExtendWith(NettyLeakCheck.class)
class DblinkCacheIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  private static CachedProxy proxy;
  private static PostgresCluster rds;

  @BeforeAll
  static void start() {
    proxy = new CachedProxy(upstream, "transaction", 4, AnswerCacheIT.PUBLIC);
    rds = PostgresCluster.start();
    rds.execute("postgres", "CREATE EXTENSION IF NOT EXISTS dblink");
  }

  @AfterAll
  static void stop() {
    if (proxy != null) {
      proxy.close();
    }
    if (rds != null) {
      rds.close();
    }
  }

  @Test
  void repeatedDblinkCallsReachTheUpstreamOnce() throws Exception {
    String connect = "host=127.0.0.1 port=" + proxy.proxy().port() + " dbname=" + UpstreamDatabase.DATABASE
        + " user=" + ALICE + " password=" + CachedProxy.PASSWORDS.get(ALICE) + " sslmode=disable";
    String call = "SELECT * FROM dblink('" + connect + "', 'SELECT pgml.embed(''intfloat/e5-small-v2'', ''embed"
        + " this text'')') AS t(embedding real[])";
    long before = proxy.calls();
    long hits = proxy.shown("pgml.embed", "hits");
    float[] expected = PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "embed this text");
    try (Connection connection = rds.connect(); Statement statement = connection.createStatement()) {
      for (int i = 0; i < 3; i++) { // every unnamed dblink call opens and closes a connection
        try (ResultSet rows = statement.executeQuery(call)) {
          rows.next();
          Float[] vector = (Float[]) rows.getArray(1).getArray();
          for (int d = 0; d < expected.length; d++) {
            assertThat(vector[d]).isEqualTo(expected[d]);
          }
        }
      }
    }
    assertThat(proxy.calls()).isEqualTo(before + 1);
    assertThat(proxy.shown("pgml.embed", "hits")).isEqualTo(hits + 2);
  }

  @Test
  void psqlGetsTheSameOutputFromTheCache() throws Exception {
    long before = proxy.calls();
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      ClientPrograms.Result result = ClientPrograms.run(List.of(ClientPrograms.require("psql").toString(), "-h",
          "127.0.0.1", "-p", Integer.toString(proxy.proxy().port()), "-U", ALICE, "-d", UpstreamDatabase.DATABASE,
          "-X", "-A", "-t", "-c", "SELECT pgml.embed('intfloat/e5-small-v2', 'psql text')"),
          Map.of("PGPASSWORD", CachedProxy.PASSWORDS.get(ALICE), "PGSSLMODE", "disable", "PGCLIENTENCODING", "UTF8"),
          Duration.ofSeconds(60));
      assertThat(result.exitCode()).as(result.stderr()).isZero();
      outputs.add(result.stdout());
    }
    assertThat(outputs.get(1)).isEqualTo(outputs.get(0)).startsWith("{");
    assertThat(proxy.calls()).isEqualTo(before + 1);
  }
}
