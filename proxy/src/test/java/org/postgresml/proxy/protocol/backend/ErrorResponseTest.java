package org.postgresml.proxy.protocol.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.Codec;

class ErrorResponseTest {

  @Test
  void encodeThenDecode() {
    ByteBuf frame = ErrorResponse.fatal("57P01", "terminating connection").encode(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(frame.getByte(0)).isEqualTo((byte) 'E');
      assertThat(frame.getInt(1)).isEqualTo(frame.readableBytes() - 1);
      ErrorResponse decoded = ErrorResponse.decode(Codec.body(frame));
      assertThat(decoded.sqlState()).isEqualTo("57P01");
      assertThat(decoded.message()).isEqualTo("terminating connection");
      assertThat(decoded.fields()).containsEntry('S', "FATAL").containsEntry('V', "FATAL");
    } finally {
      frame.release();
    }
  }
}
