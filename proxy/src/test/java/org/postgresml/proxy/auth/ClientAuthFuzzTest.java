package org.postgresml.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.ongres.scram.common.ScramFunctions;
import com.ongres.scram.common.StringPreparation;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The proxy as the server of a client's login, on whatever a client says: SCRAM-SHA-256 messages
 * fail only with {@link AuthenticationFailedException} and succeed only with the right proof (an
 * honest exchange the fuzzer may tamper with: it succeeds exactly when untouched); an md5 answer
 * matches only the one right answer. Seeds: ClientAuthFuzzTestInputs (docs/testing.md).
 */
class ClientAuthFuzzTest {

  private static final String PASSWORD = "app-password";
  private static final byte[] SALT = "sixteen-byte-slt".getBytes(StandardCharsets.US_ASCII);
  // The PBKDF2 is paid once, as the proxy pays it once per user at start.
  private static final byte[] SALTED = ScramFunctions.saltedPassword(ScramCredentials.MECHANISM,
      StringPreparation.POSTGRESQL_PREPARATION, PASSWORD.toCharArray(), SALT, ScramCredentials.DEFAULT_ITERATIONS);
  private static final ScramCredentials CREDENTIALS = new ScramCredentials(SALT, ScramCredentials.DEFAULT_ITERATIONS,
      ScramFunctions.storedKey(ScramCredentials.MECHANISM, ScramFunctions.clientKey(ScramCredentials.MECHANISM, SALTED)),
      ScramFunctions.serverKey(ScramCredentials.MECHANISM, SALTED));

  @FuzzTest
  void scramSucceedsOnlyWithTheRightProof(FuzzedDataProvider data) {
    ScramServerExchange exchange = new ScramServerExchange(CREDENTIALS, "serverNonce");
    if (data.consumeBoolean()) {
      // Whatever the client sends, both messages chosen by the fuzzer: nothing it can say passes.
      String serverFirst;
      try {
        serverFirst = exchange.serverFirst(data.consumeString(512));
      } catch (AuthenticationFailedException refused) {
        return;
      }
      assertThat(serverFirst).startsWith("r=").contains(",s=", ",i=");
      String clientFinal = data.consumeRemainingAsString();
      assertThatThrownBy(() -> exchange.serverFinal(clientFinal)).isInstanceOf(AuthenticationFailedException.class);
      return;
    }
    honestExchangeTamperedWith(exchange, data);
  }

  private static void honestExchangeTamperedWith(ScramServerExchange exchange, FuzzedDataProvider data) {
    String clientNonce = Base64.getEncoder().encodeToString(data.consumeBytes(18));
    if (clientNonce.isEmpty()) {
      clientNonce = "n";
    }
    String clientFirstBare = "n=,r=" + clientNonce;
    String serverFirst;
    try {
      serverFirst = exchange.serverFirst("n,," + clientFirstBare);
    } catch (AuthenticationFailedException e) {
      throw new AssertionError("an honest client-first-message was refused: " + e.getMessage(), e);
    }
    String withoutProof = "c=biws,r=" + clientNonce + "serverNonce";
    String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
    byte[] clientKey = ScramFunctions.clientKey(ScramCredentials.MECHANISM, SALTED);
    byte[] signature = ScramFunctions.clientSignature(ScramCredentials.MECHANISM, CREDENTIALS.storedKey(), authMessage);
    byte[] proof = ScramFunctions.clientProof(clientKey, signature);
    String clientFinal = withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    String tampered = tamper(clientFinal, data);
    try {
      String serverFinal = exchange.serverFinal(tampered);
      assertThat(sameMeaning(tampered, withoutProof, proof)).as("only the honest message passes: " + tampered).isTrue();
      assertThat(serverFinal).startsWith("v=");
    } catch (AuthenticationFailedException refused) {
      assertThat(tampered).as("the honest message passes").isNotEqualTo(clientFinal);
    }
  }

  /**
   * The same attributes and the same proof bytes: Base64 without its padding (found by this
   * target) or any other spelling of the same proof says the same thing, and may pass.
   */
  private static boolean sameMeaning(String message, String withoutProof, byte[] proof) {
    int at = message.lastIndexOf(",p=");
    if (at < 0 || !message.substring(0, at).equals(withoutProof)) {
      return false;
    }
    try {
      return java.util.Arrays.equals(Base64.getDecoder().decode(message.substring(at + 3)), proof);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The message, maybe with one character changed, inserted or removed where the fuzzer says. */
  private static String tamper(String message, FuzzedDataProvider data) {
    int at = data.consumeInt(0, message.length());
    return switch (data.consumeInt(0, 3)) {
      case 0 -> message;
      case 1 -> message.substring(0, at) + data.consumeChar() + message.substring(Math.min(message.length(), at + 1));
      case 2 -> message.substring(0, at) + data.consumeString(8) + message.substring(at);
      default -> message.substring(0, at) + message.substring(Math.min(message.length(), at + 1 + data.consumeInt(0, 8)));
    };
  }

  @FuzzTest
  void md5MatchesOnlyTheOneRightAnswer(FuzzedDataProvider data) {
    String user = data.consumeString(32);
    byte[] salt = data.consumeBytes(4);
    String answer = data.consumeRemainingAsString();
    String right = Md5Password.answer(user, PASSWORD, salt);
    assertThat(Md5Password.matches(user, PASSWORD, salt, answer)).isEqualTo(answer.equals(right));
    assertThat(Md5Password.matches(user, PASSWORD, salt, right)).isTrue();
  }
}
