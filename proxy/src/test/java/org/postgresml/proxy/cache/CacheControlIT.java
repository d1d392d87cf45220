package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.postgresml.proxy.cache.CachedProxy.ALICE;
import static org.postgresml.proxy.cache.CachedProxy.BOB;
import static org.postgresml.proxy.cache.CachedProxy.embed;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * What turns the cache off or empties it (a session's SET, its startup option, RELOAD of the
 * cache section, CACHE CLEAR), its budget under a flood, its meters, and why another client's
 * settings cannot get into what it keeps.
 */
@ExtendWith(NettyLeakCheck.class)
class CacheControlIT {

  /** What PostgreSQL answers to a SET outside a transaction: CommandComplete "SET", ReadyForQuery idle. */
  private static final byte[] SET_DONE = {'C', 0, 0, 0, 8, 'S', 'E', 'T', 0, 'Z', 0, 0, 0, 5, 'I'};

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aSessionTurnsTheCacheOffAndOnWithSet(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, AnswerCacheIT.PUBLIC)) {
      String sql = embed("m", "switch " + mode);
      try (WireClient warm = proxy.login(ALICE)) {
        warm.query(sql);
      }
      long before = proxy.calls();
      try (WireClient client = proxy.login(BOB)) {
        assertThat(WireClient.rows(client.query("SHOW pgml_proxy.cache"))).containsExactly(Map.of(CacheSwitch.NAME,
            "on"));
        assertThat(client.query("SET pgml_proxy.cache = off")).isEqualTo(SET_DONE);
        byte[] shownOff = client.query("show PGML_PROXY.CACHE;");
        assertThat(WireClient.types(shownOff)).isEqualTo("TDCZ");
        assertThat(WireClient.rows(shownOff)).containsExactly(Map.of(CacheSwitch.NAME, "off"));
        client.query(sql);
        client.query(sql);
        assertThat(proxy.calls()).isEqualTo(before + 2);
        assertThat(proxy.shown("pgml.embed", "bypassed")).isEqualTo(2);
        byte[] refused = client.query("SET pgml_proxy.cache = maybe");
        assertThat(WireClient.errorField(refused, 'C')).isEqualTo("22023");
        assertThat(WireClient.errorField(refused, 'M')).isEqualTo("parameter \"pgml_proxy.cache\" requires a Boolean"
            + " value");
        assertThat(client.query("RESET pgml_proxy.cache")).isEqualTo(SET_DONE);
        client.query(sql);
        assertThat(proxy.calls()).isEqualTo(before + 2);
        // Inside a transaction the proxy leaves it to PostgreSQL, which takes a dotted name as a custom setting.
        client.query("BEGIN");
        byte[] inside = client.query("SET pgml_proxy.cache = off");
        assertThat(WireClient.types(inside)).isEqualTo("CZ");
        assertThat(inside[inside.length - 1]).isEqualTo((byte) 'T');
        // PostgreSQL's own SHOW of it there: the proxy's answer outside is the same bytes (but the status).
        byte[] postgres = client.query("SHOW pgml_proxy.cache");
        assertThat(postgres[postgres.length - 1]).isEqualTo((byte) 'T');
        assertThat(Arrays.copyOf(postgres, postgres.length - 1)).isEqualTo(Arrays.copyOf(shownOff, shownOff.length - 1));
        client.query("COMMIT");
        assertThat(WireClient.rows(client.query("SHOW pgml_proxy.cache"))).containsExactly(Map.of(CacheSwitch.NAME,
            "on"));
        // A session that no longer uses the cache (it sent another statement) still has the proxy's switch.
        client.query("SELECT 1");
        assertThat(client.query("SET pgml_proxy.cache = off")).isEqualTo(SET_DONE);
        assertThat(WireClient.rows(client.query("SHOW pgml_proxy.cache"))).containsExactly(Map.of(CacheSwitch.NAME,
            "off"));
      }
      // The same as a startup option, or a startup parameter.
      for (Map<String, String> startup : new Map[] {Map.of("options", "-c pgml_proxy.cache=off"),
          Map.of("pgml_proxy.cache", "off")}) {
        try (WireClient client = proxy.login(BOB, startup)) {
          client.query(sql);
        }
      }
      assertThat(proxy.calls()).isEqualTo(before + 4);
    }
  }

  @Test
  void aFloodOfDistinctCallsStaysWithinTheBudget() throws Exception {
    String budget = """
        cache:
          functions: [{name: pgml.embed, public: true}]
          maxSize: 1MB
        """;
    try (CachedProxy proxy = new CachedProxy(upstream, "transaction", 4, budget);
        WireClient client = proxy.login(ALICE)) {
      String filler = "x".repeat(1500);
      int calls = 1200;
      for (int i = 0; i < calls; i++) {
        client.query(embed("m", i + filler));
      }
      AnswerCache cache = proxy.proxy().server().cache();
      assertThat(cache.bytes()).isPositive().isLessThanOrEqualTo(1024 * 1024);
      Map<String, String> totals = proxy.showCache().get("*");
      assertThat(Long.parseLong(totals.get("bytes"))).isLessThanOrEqualTo(Long.parseLong(totals.get("max_bytes")));
      assertThat(Long.parseLong(totals.get("evictions"))).isPositive();
      assertThat(Long.parseLong(totals.get("entries"))).isLessThan(calls);
      assertThat(Long.parseLong(totals.get("misses"))).isEqualTo(calls);
      // A smaller budget by RELOAD applies to what is there at once.
      proxy.reload(4, budget.replace("1MB", "2MB"));
      assertThat(cache.bytes()).isLessThanOrEqualTo(2 * 1024 * 1024);
    }
  }

  @Test
  void reloadEmptiesOnANewGenerationTurnsOffWithNoFunctionsAndAppliesTheTtl() throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, "session", 4, AnswerCacheIT.PUBLIC)) {
      String sql = embed("m", "reload");
      try (WireClient client = proxy.login(ALICE)) {
        client.query(sql);
        client.query(sql);
      }
      long before = proxy.calls();
      // Through the admin console's RELOAD, as an operator would.
      proxy.reload(4, "cache: {functions: []}");
      assertThat(proxy.shown("*", "entries")).isZero();
      try (WireClient client = proxy.login(ALICE)) {
        client.query(sql);
        client.query(sql);
      }
      assertThat(proxy.calls()).isEqualTo(before + 2);
      assertThat(proxy.showCache().get("*")).containsEntry("entries", "0");
      proxy.reload(4, AnswerCacheIT.PUBLIC + "  ttl: 1s\n");
      try (WireClient client = proxy.login(ALICE)) {
        client.query(sql);
        client.query(sql);
      }
      assertThat(proxy.calls()).isEqualTo(before + 3);
      await().atMost(Duration.ofSeconds(30)).until(() -> proxy.shown("*", "entries") == 0);
      try (WireClient client = proxy.login(ALICE)) {
        client.query(sql);
      }
      assertThat(proxy.calls()).isEqualTo(before + 4);
      byte[] cleared = proxy.admin("CACHE CLEAR");
      assertThat(WireClient.types(cleared)).isEqualTo("CZ");
      assertThat(proxy.shown("*", "entries")).isZero();
      assertThat(proxy.admin("RELOAD")).isNotEmpty();
    }
  }

  @Test
  void anotherClientsSettingNeverGetsIntoTheCache() throws Exception {
    // Transaction mode, one server connection per pool: Alice's SET stays on her server connection (as
    // in every transaction pooler) and shapes her own answers there, which are never kept. A session
    // that still answers from the cache resets such a connection before it uses it, so its answer is
    // the true one and is kept (or the connections of a busy pool would soon all be unable to fill the
    // cache, and one client's SET would shape what a public function gives everyone).
    try (CachedProxy proxy = new CachedProxy(upstream, "transaction", 1, AnswerCacheIT.PUBLIC)) {
      String sql = embed("m", "poison");
      String truth = text(PgmlStandIn.expectedEmbedding("m", "poison"));
      try (WireClient alice = proxy.login(ALICE)) {
        alice.query("SET extra_float_digits = -10");
        assertThat(WireClient.rows(alice.query(sql)).get(0).get("embed")).isNotEqualTo(truth);
        assertThat(proxy.shown("*", "entries")).isZero();
        long before = proxy.calls();
        try (WireClient again = proxy.login(ALICE)) {
          assertThat(WireClient.rows(again.query(sql)).get(0).get("embed")).isEqualTo(truth);
          assertThat(WireClient.rows(again.query(sql)).get(0).get("embed")).isEqualTo(truth);
        }
        assertThat(proxy.calls()).isEqualTo(before + 1);
        assertThat(proxy.shown("*", "entries")).isEqualTo(1);
        try (WireClient bob = proxy.login(BOB)) {
          assertThat(WireClient.rows(bob.query(sql)).get(0).get("embed")).isEqualTo(truth);
        }
        assertThat(proxy.calls()).isEqualTo(before + 1);
      }
    }
    // Session mode: DISCARD ALL resets the connection when Alice leaves; the next client's answer is true and kept.
    try (CachedProxy proxy = new CachedProxy(upstream, "session", 1, AnswerCacheIT.PUBLIC)) {
      String sql = embed("m", "poison, then reset");
      try (WireClient alice = proxy.login(ALICE)) {
        alice.query("SET extra_float_digits = -10");
        alice.query(sql);
      }
      long before = proxy.calls();
      try (WireClient bob = proxy.login(BOB)) {
        assertThat(WireClient.rows(bob.query(sql)).get(0).get("embed")).isEqualTo(text(
            PgmlStandIn.expectedEmbedding("m", "poison, then reset")));
        bob.query(sql);
      }
      assertThat(proxy.calls()).isEqualTo(before + 1);
    }
  }

  @Test
  void countersReachPrometheus() throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, "session", 4, AnswerCacheIT.PUBLIC)) {
      try (WireClient client = proxy.login(ALICE)) {
        client.query(embed("m", "metrics"));
        client.query(embed("m", "metrics"));
        client.query(embed("m", "metrics"));
      }
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + proxy.proxy().httpPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
      assertThat(value(metrics, "pgml_proxy_cache_hits_total{function=\"pgml.embed\"}")).isEqualTo(2);
      assertThat(value(metrics, "pgml_proxy_cache_misses_total{function=\"pgml.embed\"}")).isEqualTo(1);
      assertThat(value(metrics, "pgml_proxy_cache_entries")).isEqualTo(1);
      assertThat(value(metrics, "pgml_proxy_cache_max_size_bytes")).isEqualTo(16 * 1024 * 1024);
      assertThat(value(metrics, "pgml_proxy_cache_size_bytes")).isPositive();
    }
  }

  private static double value(String metrics, String series) {
    Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
    assertThat(matcher.find()).as(series + " in /metrics").isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  /** real[] as PostgreSQL writes it with the default extra_float_digits. */
  private static String text(float[] vector) {
    StringBuilder text = new StringBuilder("{");
    for (int i = 0; i < vector.length; i++) {
      text.append(i == 0 ? "" : ",").append(Float.toString(vector[i]).replaceAll("\\.0$", ""));
    }
    return text.append('}').toString();
  }
}
