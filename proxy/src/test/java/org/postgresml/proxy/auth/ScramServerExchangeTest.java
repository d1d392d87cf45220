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

  /** The proxy's two sides against each other: the upstream-side client and the client-side server. */
  private static void exchangeOverTls(java.security.cert.X509Certificate seenByClient,
      java.security.cert.X509Certificate presentedByServer) throws Exception {
    UpstreamAuthenticator client = new UpstreamAuthenticator("u", "pencil", true, java.util.Optional.of(seenByClient));
    ScramServerExchange server = new ScramServerExchange(ScramCredentials.fromPassword("pencil", new byte[16], 4096),
        "servernonce", com.ongres.scram.common.util.TlsServerEndpoint.getChannelBindingData(presentedByServer));
    assertThat(server.mechanisms()).containsExactly("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256");
    var alloc = io.netty.buffer.UnpooledByteBufAllocator.DEFAULT;
    io.netty.buffer.ByteBuf first = client.respond(new org.postgresml.proxy.protocol.backend.AuthenticationSasl(
        server.mechanisms()), alloc).orElseThrow();
    var initial = org.postgresml.proxy.protocol.frontend.SaslInitialResponse.decode(
        org.postgresml.proxy.protocol.Codec.body(first));
    first.release();
    assertThat(initial.mechanism()).isEqualTo("SCRAM-SHA-256-PLUS");
    String serverFirst = server.serverFirst(initial.mechanism(), initial.data());
    io.netty.buffer.ByteBuf last = client.respond(
        new org.postgresml.proxy.protocol.backend.AuthenticationSaslContinue(serverFirst), alloc).orElseThrow();
    String clientFinal = org.postgresml.proxy.protocol.frontend.SaslResponse.decode(
        org.postgresml.proxy.protocol.Codec.body(last)).data();
    last.release();
    String serverFinal = server.serverFinal(clientFinal);
    assertThat(client.respond(new org.postgresml.proxy.protocol.backend.AuthenticationSaslFinal(serverFinal), alloc))
        .isEmpty();
  }

  @Test
  void scramSha256PlusBindsTheCertificateThePeerPresented() throws Exception {
    var certificate = org.postgresml.testing.CertificateAuthority.create("proxy").certificate();
    exchangeOverTls(certificate, certificate);
  }

  @Test
  void aManInTheMiddleWithAnotherCertificateFailsTheBinding() throws Exception {
    var real = org.postgresml.testing.CertificateAuthority.create("proxy").certificate();
    var impostor = org.postgresml.testing.CertificateAuthority.create("impostor").certificate();
    assertThatThrownBy(() -> exchangeOverTls(impostor, real)).isInstanceOf(AuthenticationFailedException.class)
        .hasMessageContaining("channel binding");
  }

  @Test
  void aClientThatCouldBindButWasToldThereIsNoPlusIsRefused() throws Exception {
    byte[] binding = new byte[32];
    ScramServerExchange server = new ScramServerExchange(ScramCredentials.fromPassword("pencil", new byte[16], 4096),
        "n", binding);
    // 'y': the client supports binding but saw no -PLUS offered, so someone stripped it (RFC 5802 section 6).
    assertThatThrownBy(() -> server.serverFirst("SCRAM-SHA-256", "y,,n=,r=abc"))
        .isInstanceOf(AuthenticationFailedException.class).hasMessageContaining("negotiation");
    assertThatThrownBy(() -> new ScramServerExchange(ScramCredentials.fromPassword("pencil", new byte[16], 4096), "n",
        binding).serverFirst("SCRAM-SHA-256-PLUS", "n,,n=,r=abc")).isInstanceOf(AuthenticationFailedException.class);
    assertThat(new ScramServerExchange(ScramCredentials.fromPassword("pencil", new byte[16], 4096), "n", binding)
        .serverFirst("SCRAM-SHA-256", "n,,n=,r=abc")).startsWith("r=abcn,");
  }
}
