package org.postgresml.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.backend.AuthenticationCleartextPassword;
import org.postgresml.proxy.protocol.backend.AuthenticationSasl;
import org.postgresml.proxy.protocol.frontend.SaslInitialResponse;
import org.postgresml.testing.CertificateAuthority;

class UpstreamAuthenticatorTest {

  private static final AuthenticationSasl BOTH = new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"));

  private static SaslInitialResponse firstMessage(UpstreamAuthenticator authenticator) throws Exception {
    ByteBuf frame = authenticator.respond(BOTH, UnpooledByteBufAllocator.DEFAULT).orElseThrow();
    try {
      return SaslInitialResponse.decode(Codec.body(frame));
    } finally {
      frame.release();
    }
  }

  @Test
  void channelBindingOverTlsWhenOffered() throws Exception {
    X509Certificate serverCertificate = CertificateAuthority.create("upstream").certificate();
    SaslInitialResponse first = firstMessage(new UpstreamAuthenticator("u", "p", true, Optional.of(serverCertificate)));
    assertThat(first.mechanism()).isEqualTo("SCRAM-SHA-256-PLUS");
    assertThat(first.data()).startsWith("p=tls-server-end-point,,");
  }

  @Test
  void plainScramWithoutTls() throws Exception {
    SaslInitialResponse first = firstMessage(new UpstreamAuthenticator("u", "p", false, Optional.empty()));
    assertThat(first.mechanism()).isEqualTo("SCRAM-SHA-256");
    assertThat(first.data()).doesNotStartWith("p=");
  }

  @Test
  void cleartextPasswordOnlyOverTls() throws Exception {
    assertThatThrownBy(() -> new UpstreamAuthenticator("u", "secret", false, Optional.empty())
        .respond(AuthenticationCleartextPassword.INSTANCE, UnpooledByteBufAllocator.DEFAULT))
        .isInstanceOf(AuthenticationFailedException.class).message().doesNotContain("secret");
    ByteBuf answer = new UpstreamAuthenticator("u", "secret", true, Optional.empty())
        .respond(AuthenticationCleartextPassword.INSTANCE, UnpooledByteBufAllocator.DEFAULT).orElseThrow();
    answer.release();
  }
}
