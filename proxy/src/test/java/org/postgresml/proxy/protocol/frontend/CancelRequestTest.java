package org.postgresml.proxy.protocol.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

class CancelRequestTest {

  @Test
  void encodeThenDecode() {
    ByteBuf buf = new CancelRequest(4242, 0xCAFEBABE).encode(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(buf.readInt()).isEqualTo(16);
      assertThat(buf.readInt()).isEqualTo(CancelRequest.CODE);
      assertThat(CancelRequest.decode(buf)).isEqualTo(new CancelRequest(4242, 0xCAFEBABE));
    } finally {
      buf.release();
    }
  }
}
