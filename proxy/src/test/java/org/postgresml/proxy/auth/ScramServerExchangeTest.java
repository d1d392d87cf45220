package org.postgresml.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The server side of SCRAM-SHA-256 against the example exchange of RFC 7677, section 3. */
class ScramServerExchangeTest {

  private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
  private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
      + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
  private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

  private static ScramServerExchange exchange(String password) {
    ScramCredentials credentials = ScramCredentials.fromPassword(password,
        Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
    return new ScramServerExchange(credentials, SERVER_NONCE);
  }

  @Test
  void rfc7677Example() throws AuthenticationFailedException {
    ScramServerExchange exchange = exchange("pencil");
    assertThat(exchange.serverFirst(CLIENT_FIRST)).isEqualTo(SERVER_FIRST);
    assertThat(exchange.serverFinal(CLIENT_FINAL)).isEqualTo(SERVER_FINAL);
  }

  @Test
  void wrongPasswordFailsAtTheProof() throws AuthenticationFailedException {
    ScramServerExchange exchange = exchange("not pencil");
    assertThat(exchange.serverFirst(CLIENT_FIRST)).isEqualTo(SERVER_FIRST);
    assertThatThrownBy(() -> exchange.serverFinal(CLIENT_FINAL)).isInstanceOf(AuthenticationFailedException.class)
        .hasMessage("wrong password");
  }

  @Test
  void tamperedNonceOrChannelBindingIsRefused() throws AuthenticationFailedException {
    ScramServerExchange nonce = exchange("pencil");
    nonce.serverFirst(CLIENT_FIRST);
    assertThatThrownBy(() -> nonce.serverFinal(CLIENT_FINAL.replace("r=rOpr", "r=XOpr")))
        .isInstanceOf(AuthenticationFailedException.class);
    ScramServerExchange binding = exchange("pencil");
    binding.serverFirst(CLIENT_FIRST);
    assertThatThrownBy(() -> binding.serverFinal(CLIENT_FINAL.replace("c=biws", "c=eSws")))
        .isInstanceOf(AuthenticationFailedException.class);
  }

  @Test
  void channelBindingRequestIsRefusedBecauseNotOffered() {
    assertThatThrownBy(() -> exchange("pencil").serverFirst("p=tls-server-end-point,,n=,r=abc"))
        .isInstanceOf(AuthenticationFailedException.class);
  }
}
