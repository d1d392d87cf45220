package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheableCallTest {

  private static final Set<String> ALLOWED = Set.of("pgml.embed", "pgml.transform");

  private static Optional<CacheableCall> match(String sql) {
    return CacheableCall.match(sql, ALLOWED);
  }

  @Test
  void theBlogsCallIsCacheable() {
    assertThat(match("SELECT pgml.embed('intfloat/e5-small-v2', 'embed this text')")).contains(
        new CacheableCall("pgml.embed", "select pgml.embed('intfloat/e5-small-v2', 'embed this text')"));
  }

  @Test
  void spacingCaseAndATrailingSemicolonMakeNoDifference() {
    String canonical = match("SELECT pgml.embed('m', 'it''s')").orElseThrow().canonical();
    for (String same : new String[] {"select pgml.embed('m','it''s')", "  SeLeCt\n\tPGML.Embed ( 'm' ,\r\n 'it''s' ) ;  ",
        "SELECT pgml.embed('m', 'it''s');", "SELECT\fpgml.embed('m', 'it''s')\n"}) {
      assertThat(match(same)).as(same).map(CacheableCall::canonical).contains(canonical);
    }
  }

  @Test
  void literalsStayAsWrittenInTheKey() {
    assertThat(match("SELECT pgml.embed('M', 'T')")).map(CacheableCall::canonical)
        .isNotEqualTo(match("SELECT pgml.embed('m', 't')").map(CacheableCall::canonical));
    assertThat(match("SELECT pgml.transform('a', 1.0)")).map(CacheableCall::canonical)
        .contains("select pgml.transform('a', 1.0)");
    assertThat(match("SELECT pgml.transform('a', 1.00)")).map(CacheableCall::canonical)
        .contains("select pgml.transform('a', 1.00)");
    assertThat(match("SELECT pgml.transform('t', '{\"a\": 1}'::JSONB, 2e-3, 7)")).map(CacheableCall::canonical)
        .contains("select pgml.transform('t', '{\"a\": 1}'::jsonb, 2e-3, 7)");
    assertThat(match("SELECT pgml.embed()")).map(CacheableCall::canonical).contains("select pgml.embed()");
  }

  @Test
  void aBackslashIsAPlainCharacterAndOnlyDoubledQuotesEscape() {
    assertThat(match("SELECT pgml.embed('m', 'a\\')")).map(CacheableCall::canonical)
        .contains("select pgml.embed('m', 'a\\')");
    assertThat(match("SELECT pgml.embed('m', 'a\\'')")).isEmpty(); // unterminated: '' is a quote
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT pgml.other('m', 't')",
      "SELECT public.embed('m', 't')",
      "SELECT embed('m', 't')",
      "SELECT pgml.embed('m', 't'); DELETE FROM accounts",
      "SELECT pgml.embed('m', 't');;",
      "SELECT pgml.embed('m', 't') -- comment",
      "-- comment\nSELECT pgml.embed('m', 't')",
      "/* c */ SELECT pgml.embed('m', 't')",
      "SELECT /* c */ pgml.embed('m', 't')",
      "SELECT pgml.embed('m', 't') AS e",
      "SELECT pgml.embed('m', 't') e",
      "SELECT pgml.embed('m', 't') FROM accounts",
      "SELECT pgml.embed('m', (SELECT secret FROM accounts))",
      "SELECT pgml.embed('m', secret)",
      "SELECT pgml.embed('m', current_user)",
      "SELECT pgml.embed('m', 't' || 'u')",
      "SELECT pgml.embed('m', 't'\n'u')",
      "SELECT pgml.embed('m', E't\\n')",
      "SELECT pgml.embed('m', e't')",
      "SELECT pgml.embed('m', U&'t')",
      "SELECT pgml.embed('m', N't')",
      "SELECT pgml.embed('m', X'1f')",
      "SELECT pgml.embed('m', $$t$$)",
      "SELECT pgml.embed('m', $q$t$q$)",
      "SELECT pgml.embed('m', 't'::regclass)",
      "SELECT pgml.embed('m', 't'::pg_catalog.text)",
      "SELECT pgml.embed('m', 't'::\"text\")",
      "SELECT pgml.embed('m', 't'::jsonb[])",
      "SELECT pgml.embed('m', 't' ::text)",
      "SELECT pgml.embed('m', CAST('t' AS text))",
      "SELECT pgml.embed('m', -1)",
      "SELECT pgml.embed('m', 1::int)",
      "SELECT pgml.embed('m', .5)",
      "SELECT pgml.embed('m', 5.)",
      "SELECT pgml.embed('m', 0x1F)",
      "SELECT pgml.embed('m', 1_000)",
      "SELECT pgml.embed('m', 12abc)",
      "SELECT pgml.embed('m', 1e)",
      "SELECT pgml.embed('m', NULL)",
      "SELECT pgml.embed('m', true)",
      "SELECT pgml.embed('m', 't',)",
      "SELECT pgml.embed(,'t')",
      "SELECT pgml.embed('m' 't')",
      "SELECT pgml.embed('m', 't'",
      "SELECT pgml.embed('m', 't))",
      "SELECT pgml.embed('m', 't') ,1",
      "SELECT pgml.embed('m', 't'), pgml.embed('m', 'u')",
      "SELECT \"pgml\".\"embed\"('m', 't')",
      "SELECT pgml . embed('m', 't')",
      "SELECT pgml.embed.x('m', 't')",
      "SELECT pgml.embed['m']",
      "SELECTpgml.embed('m', 't')",
      "SELECT DISTINCT pgml.embed('m', 't')",
      "SELECT ALL pgml.embed('m', 't')",
      "EXPLAIN SELECT pgml.embed('m', 't')",
      "WITH x AS (DELETE FROM a) SELECT pgml.embed('m', 't')",
      "SELECT pgml.embed('m', 't') INTO TEMP stolen",
      "SELECT pgml.embed('m', 't') FOR UPDATE",
      "SELECT pgml.embed('m', 't') \\g",
      "SELECT pgml.embed('m', 't')\u000b",
      "SELECT pgml.embed('m', 't')\u00a0",
      "SELECT pgml.embéd('m', 't')",
      "\u017FELECT pgml.embed('m', 't')",
      "",
      " ",
      ";",
      "SELECT",
      "SET pgml_proxy.cache = off",
  })
  void anythingElseIsNotCacheable(String sql) {
    assertThat(match(sql)).as(sql).isEmpty();
  }

  @Test
  void onlyAllowedFunctionsMatch() {
    assertThat(CacheableCall.match("SELECT pgml.embed('m', 't')", Set.of())).isEmpty();
    assertThat(CacheableCall.match("SELECT pgml.embed('m', 't')", Set.of("pgml.transform"))).isEmpty();
  }
}
