package org.postgresml.proxy.protocol.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;

class ReadyForQueryTest {

  @Test
  void encode() {
    ByteBuf frame = new ReadyForQuery(TransactionStatus.FAILED_TRANSACTION).encode(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(frame).isEqualTo(Unpooled.wrappedBuffer(new byte[] {'Z', 0, 0, 0, 5, 'E'}));
    } finally {
      frame.release();
    }
  }

  @Test
  void decode() {
    assertThat(ReadyForQuery.decode(Unpooled.wrappedBuffer(new byte[] {'T'})).status())
        .isEqualTo(TransactionStatus.IN_TRANSACTION);
    assertThatThrownBy(() -> ReadyForQuery.decode(Unpooled.wrappedBuffer(new byte[] {'?'})))
        .isInstanceOf(ProtocolException.class);
  }
}
