package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postgresml.proxy.cache.CachedProxy.ALICE;
import static org.postgresml.proxy.cache.CachedProxy.BOB;
import static org.postgresml.proxy.cache.CachedProxy.embed;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The answer cache through the real proxy, in both pool modes, against a real PostgreSQL with the
 * pgml stand-in (which counts its calls, read on the upstream directly): what is served from memory
 * is byte for byte what PostgreSQL answered, and everything that must reach the upstream does.
 */
@ExtendWith(NettyLeakCheck.class)
class AnswerCacheIT {

  static final String PRIVATE = """
      cache:
        functions:
          - {name: pgml.embed, public: false}
        maxSize: 16MB
      """;
  static final String PUBLIC = """
      cache:
        functions:
          - {name: pgml.embed, public: true}
        maxSize: 16MB
      """;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().prepare(database -> database.cluster().execute(
      UpstreamDatabase.DATABASE,
      "CREATE TABLE accounts (id int PRIMARY KEY, secret text)",
      "INSERT INTO accounts VALUES (1, 'one'), (2, 'two'), (3, 'three')",
      "GRANT ALL ON accounts TO " + UpstreamDatabase.USER));

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aHitIsTheMissByteForByteAndNeverReachesTheUpstream(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PRIVATE)) {
      String sql = embed("intfloat/e5-small-v2", "hit " + mode);
      long before = proxy.calls();
      byte[] miss;
      try (WireClient client = proxy.login(ALICE)) {
        miss = client.query(sql);
        assertThat(WireClient.types(miss)).isEqualTo("TDCZ");
        assertThat(proxy.calls()).isEqualTo(before + 1);
        assertThat(client.query(sql)).isEqualTo(miss);
        // Spelled otherwise, the same call: the same bytes (the column is "embed" either way).
        assertThat(client.query("  select PGML.EMBED( 'intfloat/e5-small-v2' ,'hit " + mode + "' ) ;\n"))
            .isEqualTo(miss);
      }
      // dblink's pattern: a new connection per call.
      for (int i = 0; i < 3; i++) {
        try (WireClient client = proxy.login(ALICE)) {
          assertThat(client.query(sql)).isEqualTo(miss);
        }
      }
      assertThat(proxy.calls()).isEqualTo(before + 1);
      // pgjdbc, simple protocol, settings in its startup packet (without assumeMinServerVersion it sends
      // SET extra_float_digits, which shapes the output: such a session bypasses the cache). Its
      // startup settings (extra_float_digits=3, DateStyle=ISO, TimeZone) are its own key: a miss once.
      Map<String, String> pgjdbc = Map.of("preferQueryMode", "simple", "assumeMinServerVersion", "9.0");
      for (int i = 0; i < 2; i++) {
        try (Connection jdbc = proxy.jdbc(ALICE, pgjdbc); Statement statement = jdbc.createStatement();
            ResultSet rows = statement.executeQuery(sql)) {
          rows.next();
          Float[] vector = (Float[]) rows.getArray(1).getArray();
          float[] expected = PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "hit " + mode);
          for (int d = 0; d < expected.length; d++) {
            assertThat(vector[d]).isEqualTo(expected[d]);
          }
        }
        assertThat(proxy.calls()).isEqualTo(before + 2);
      }
      Map<String, String> line = proxy.showCache().get("pgml.embed");
      assertThat(line).containsEntry("entries", "2").containsEntry("misses", "2").containsEntry("hits", "6")
          .containsEntry("public", "false");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void anotherArgumentModelUserOrGenerationIsAMiss(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PRIVATE)) {
      long before = proxy.calls();
      try (WireClient alice = proxy.login(ALICE); WireClient bob = proxy.login(BOB)) {
        byte[] first = alice.query(embed("m1", "text"));
        assertThat(alice.query(embed("m1", "text"))).isEqualTo(first);
        assertThat(proxy.calls()).isEqualTo(before + 1);
        assertThat(alice.query(embed("m1", "other text"))).isNotEqualTo(first);
        assertThat(proxy.calls()).isEqualTo(before + 2);
        assertThat(alice.query(embed("m2", "text"))).isNotEqualTo(first);
        assertThat(proxy.calls()).isEqualTo(before + 3);
        // Not public: Bob's call of the same is his own miss (then his own hit).
        assertThat(bob.query(embed("m1", "text"))).isEqualTo(first);
        assertThat(proxy.calls()).isEqualTo(before + 4);
        assertThat(bob.query(embed("m1", "text"))).isEqualTo(first);
        assertThat(proxy.calls()).isEqualTo(before + 4);
      }
      // Another session setting that shapes the output text is another key.
      try (WireClient alice = proxy.login(ALICE, Map.of("extra_float_digits", "0"))) {
        alice.query(embed("m1", "text"));
        assertThat(proxy.calls()).isEqualTo(before + 5);
      }
      // A new generation (a model upgrade): everything asked again, without a restart.
      proxy.reload(4, PRIVATE + "  generation: 7\n");
      assertThat(proxy.shown("*", "entries")).isZero();
      assertThat(proxy.shown("*", "generation")).isEqualTo(7);
      try (WireClient alice = proxy.login(ALICE)) {
        alice.query(embed("m1", "text"));
        assertThat(proxy.calls()).isEqualTo(before + 6);
        alice.query(embed("m1", "text"));
        assertThat(proxy.calls()).isEqualTo(before + 6);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aPublicFunctionIsSharedByEveryUserOfTheDatabase(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PUBLIC)) {
      long before = proxy.calls();
      try (WireClient alice = proxy.login(ALICE); WireClient bob = proxy.login(BOB)) {
        byte[] answer = alice.query(embed("m", "shared " + mode));
        assertThat(bob.query(embed("m", "shared " + mode))).isEqualTo(answer);
      }
      assertThat(proxy.calls()).isEqualTo(before + 1);
      // No longer public: the shared entries go, and each user asks for its own again.
      proxy.reload(4, PRIVATE);
      assertThat(proxy.shown("*", "entries")).isZero();
      try (WireClient bob = proxy.login(BOB)) {
        bob.query(embed("m", "shared " + mode));
      }
      assertThat(proxy.calls()).isEqualTo(before + 2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void insideATransactionBlockEveryCallReachesTheUpstream(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PRIVATE)) {
      String sql = embed("m", "in a transaction " + mode);
      try (WireClient warm = proxy.login(ALICE)) {
        warm.query(sql); // cached now
      }
      long before = proxy.calls();
      try (WireClient client = proxy.login(ALICE)) {
        assertThat(WireClient.types(client.query("BEGIN"))).isEqualTo("CZ");
        byte[] inside = client.query(sql);
        assertThat(inside[inside.length - 1]).isEqualTo((byte) 'T');
        client.query(sql);
        assertThat(proxy.calls()).isEqualTo(before + 2);
        client.query("COMMIT");
      }
      // Not filled from inside either: a call in a transaction the client then rolls back is no answer to keep.
      String fresh = embed("m", "only in a transaction " + mode);
      try (WireClient client = proxy.login(ALICE)) {
        client.query("BEGIN");
        client.query(fresh);
        client.query("ROLLBACK");
      }
      try (WireClient client = proxy.login(ALICE)) {
        client.query(fresh);
      }
      assertThat(proxy.calls()).isEqualTo(before + 4);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void lookalikesAndSideEffectsGoThroughUncached(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PUBLIC)) {
      String sql = embed("m", "lookalike " + mode);
      try (WireClient warm = proxy.login(ALICE)) {
        warm.query(sql);
      }
      long before = proxy.calls();
      String[] lookalikes = {
          sql + "; DELETE FROM accounts WHERE id = 1",
          "/* hi */ " + sql,
          sql + " -- hi",
          sql + " AS e",
          "SELECT pgml.embed('m', secret) FROM accounts WHERE id = 2",
          "SELECT pgml.embed('m', 'lookalike " + mode + "'), 1",
      };
      for (String lookalike : lookalikes) {
        try (WireClient client = proxy.login(BOB)) {
          byte[] reply = client.query(lookalike);
          assertThat(WireClient.errorField(reply, 'C')).as(lookalike).isNull();
        }
      }
      assertThat(proxy.calls()).isEqualTo(before + lookalikes.length);
      try (Connection direct = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
          upstream.password()); Statement statement = direct.createStatement();
          ResultSet rows = statement.executeQuery("SELECT count(*) FROM accounts WHERE id = 1")) {
        rows.next();
        assertThat(rows.getInt(1)).as("the DELETE behind the call ran").isZero();
      }
      // Nothing the lookalikes brought back was stored under the real call's key.
      assertThat(proxy.shown("pgml.embed", "entries")).isEqualTo(1);
      // A session that sent anything else uses the cache no more: that may have been a SET.
      try (WireClient client = proxy.login(BOB)) {
        client.query("SELECT 1");
        client.query(sql);
        assertThat(proxy.calls()).isEqualTo(before + lookalikes.length + 1);
      }
      // The extended protocol (pgjdbc's default) is never served from the cache.
      try (Connection jdbc = proxy.jdbc(BOB, Map.of()); Statement statement = jdbc.createStatement()) {
        statement.executeQuery(sql).close();
        statement.executeQuery(sql).close();
      }
      assertThat(proxy.calls()).isEqualTo(before + lookalikes.length + 3);
      // A function not listed.
      try (WireClient client = proxy.login(BOB)) {
        client.query("SELECT pg_catalog.upper('x')");
        client.query("SELECT pg_catalog.upper('x')");
        assertThat(proxy.shown("*", "entries")).isEqualTo(1);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void errorsAndNoticesAreNeverCached(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PUBLIC)) {
      long before = proxy.calls();
      try (WireClient client = proxy.login(ALICE)) {
        byte[] first = client.query(embed("error/missing-model", "t"));
        assertThat(WireClient.errorField(first, 'C')).isEqualTo("P0002");
        byte[] second = client.query(embed("error/missing-model", "t"));
        assertThat(second).isEqualTo(first);
        assertThat(proxy.calls()).isEqualTo(before + 2);
        byte[] noisy = client.query(embed("notice/model", "t"));
        assertThat(WireClient.types(noisy)).isEqualTo("NTDCZ");
        assertThat(client.query(embed("notice/model", "t"))).isEqualTo(noisy);
        assertThat(proxy.calls()).isEqualTo(before + 4);
        // The session goes on using the cache after them.
        client.query(embed("m", "after errors"));
        client.query(embed("m", "after errors"));
        assertThat(proxy.calls()).isEqualTo(before + 5);
      }
      assertThat(proxy.shown("*", "entries")).isEqualTo(1);
    }
  }
}
