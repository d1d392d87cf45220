package org.postgresml.proxy.protocol.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.Codec;

class AuthenticationMessageTest {

  private static AuthenticationMessage roundTrip(AuthenticationMessage message) {
    ByteBuf frame = message.encode(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(frame.getByte(0)).isEqualTo((byte) 'R');
      assertThat(frame.getInt(1)).isEqualTo(frame.readableBytes() - 1);
      return AuthenticationMessage.decode(Codec.body(frame));
    } finally {
      frame.release();
    }
  }

  @Test
  void encodeThenDecodeEachKind() {
    assertThat(roundTrip(AuthenticationOk.INSTANCE)).isSameAs(AuthenticationOk.INSTANCE);
    assertThat(roundTrip(AuthenticationCleartextPassword.INSTANCE)).isSameAs(AuthenticationCleartextPassword.INSTANCE);
    assertThat(((AuthenticationMd5Password) roundTrip(new AuthenticationMd5Password(new byte[] {1, 2, 3, 4}))).salt())
        .containsExactly(1, 2, 3, 4);
    assertThat(roundTrip(new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256"))))
        .isEqualTo(new AuthenticationSasl(List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-256")));
    assertThat(roundTrip(new AuthenticationSaslContinue("r=abc,s=c2FsdA==,i=4096")))
        .isEqualTo(new AuthenticationSaslContinue("r=abc,s=c2FsdA==,i=4096"));
    assertThat(roundTrip(new AuthenticationSaslFinal("v=xyz"))).isEqualTo(new AuthenticationSaslFinal("v=xyz"));
  }
}
