package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cache's statement matcher on any text, against an independent model of its grammar (one
 * regular expression, ASCII-only case folding as PostgreSQL's keywords): it accepts exactly what the
 * model accepts, never throws, its canonical text is a fixed point, and neither surrounding space nor
 * a trailing semicolon changes the key. Seeds: CacheableCallFuzzTestInputs (docs/testing.md).
 */
class CacheableCallFuzzTest {

  private static final Set<String> ALLOWED = Set.of("pgml.embed", "a.b");
  private static final String WS = "[ \\t\\n\\r\\f]";
  private static final String NAME = "[A-Za-z_][A-Za-z0-9_$]{0,62}";
  private static final String DELIMITER = "(?=[,) \\t\\n\\r\\f])";
  private static final String ARGUMENT = "(?:'(?:[^']|'')*'(?:::(?:[Tt][Ee][Xx][Tt]|[Jj][Ss][Oo][Nn][Bb]?))?"
      + DELIMITER + "|[0-9]+(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?" + DELIMITER + ")";
  private static final Pattern MODEL = Pattern.compile(WS + "*[Ss][Ee][Ll][Ee][Cc][Tt]" + WS + "+(" + NAME + ")\\.("
      + NAME + ")" + WS + "*\\(" + WS + "*(?:" + ARGUMENT + "(?:" + WS + "*," + WS + "*" + ARGUMENT + ")*" + WS
      + "*)?\\)" + WS + "*(?:;" + WS + "*)?");

  @FuzzTest
  void acceptsExactlyTheGrammarAndItsKeyIgnoresSpacing(FuzzedDataProvider data) {
    String sql = data.consumeRemainingAsString();
    Optional<CacheableCall> call = CacheableCall.match(sql, ALLOWED);
    Matcher model = MODEL.matcher(sql);
    boolean modelAccepts = model.matches() && ALLOWED.contains(
        model.group(1).toLowerCase(Locale.ROOT) + "." + model.group(2).toLowerCase(Locale.ROOT));
    assertThat(call.isPresent()).as("matcher and model agree on %s", sql).isEqualTo(modelAccepts);
    if (call.isEmpty()) {
      return;
    }
    assertThat(CacheableCall.match(call.get().canonical(), ALLOWED)).contains(call.get());
    if (!sql.stripTrailing().endsWith(";")) {
      assertThat(CacheableCall.match("\n " + sql + " ;\t", ALLOWED)).contains(call.get());
    }
  }
}
