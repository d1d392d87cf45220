package org.postgresml.bench.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 7677's SCRAM-SHA-256 example exchange (user "user", password "pencil"). */
class ScramClientTest {

  private static final String CLIENT_NONCE = "rOprNGfwEbeRWgbNEkqO";
  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  @Test
  void theClientFinalMessageIsTheRfcsExample() {
    ScramClient client = new ScramClient("pencil", CLIENT_NONCE, "user");

    assertThat(client.clientFirstMessage()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    assertThat(client.clientFinalMessage(SERVER_FIRST)).isEqualTo(
        "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    client.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
    assertThat(client.derivationNanos()).isPositive();
  }

  @Test
  void aServerThatDoesNotKnowTheKeyIsRefused() {
    ScramClient client = new ScramClient("pencil", CLIENT_NONCE, "user");
    client.clientFinalMessage(SERVER_FIRST);

    assertThatThrownBy(() -> client.verifyServerFinal("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="))
        .hasMessageContaining("does not match");
  }

  @Test
  void aServerNonceThatDoesNotExtendTheClientsIsRefused() {
    ScramClient client = new ScramClient("pencil", CLIENT_NONCE, "user");

    assertThatThrownBy(() -> client.clientFinalMessage("r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .hasMessageContaining("unexpected SCRAM server-first");
  }
}
