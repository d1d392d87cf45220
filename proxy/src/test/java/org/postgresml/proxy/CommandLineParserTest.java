package org.postgresml.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommandLineParserTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private CommandLineParser.Outcome parse(Map<String, String> env, String... args) {
    return CommandLineParser.parse(args, env, new PrintWriter(out), new PrintWriter(err));
  }

  @Test
  void helpDocumentsEveryOptionAndExitsZero() {
    CommandLineParser.Outcome outcome = parse(Map.of("DATABASE_URL", "postgres://u:envsecret@h/db"), "--help");
    assertThat(outcome.exitCode()).isZero();
    assertThat(outcome.settings()).isEmpty();
    assertThat(out.toString()).contains("--database-url", "--config", "--listen-host", "--port", "--http-port",
        "--tls-cert", "--tls-key", "--tls-required", "--upstream-sslmode", "--upstream-sslrootcert", "--client-auth",
        "--pool-mode", "--pool-size", "--min-pool-size", "--max-client-conn", "--log-format", "--replica-id")
        .doesNotContain("envsecret");
  }

  @Test
  void malformedUrlExitsTwoWithOneLine() {
    CommandLineParser.Outcome outcome = parse(Map.of(), "--database-url", "postgres://u:topsecret@/db");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1).first().asString().startsWith("pgml-proxy: invalid database URL")
        .doesNotContain("topsecret");
  }

  @Test
  void urlPortOutOfRangeExitsTwoWithOneLine() {
    CommandLineParser.Outcome outcome = parse(Map.of(), "--database-url", "postgres://u:topsecret@h:99999/db");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1).first().asString()
        .isEqualTo("pgml-proxy: invalid database URL: port 99999 is not between 1 and 65535");
  }

  @Test
  void unknownOptionExitsTwoWithOneLine() {
    CommandLineParser.Outcome outcome = parse(Map.of(), "--prot", "1");
    assertThat(outcome.exitCode()).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1).first().asString().contains("--prot");
  }

  @Test
  void badNumberExitsTwo() {
    assertThat(parse(Map.of(), "--database-url", "postgres://u:p@h/db", "--port", "many").exitCode()).isEqualTo(2);
    assertThat(err.toString().lines()).hasSize(1);
  }
}
