package org.postgresml.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.testing.netty.NettyLeakCheck;

@ExtendWith(NettyLeakCheck.class)
class FrameDecoderTest {

  @Test
  void splitsAndJoinsFramesWithoutChangingThem() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
    ByteBuf two = Unpooled.buffer();
    ByteBuf idle = new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(UnpooledByteBufAllocator.DEFAULT);
    two.writeBytes(idle);
    idle.release();
    two.writeByte('Z').writeInt(5); // second frame, body still missing
    channel.writeInbound(two);
    ByteBuf first = channel.readInbound();
    assertThat(FrameDecoder.type(first)).isEqualTo((byte) 'Z');
    assertThat(first.readableBytes()).isEqualTo(6);
    first.release();
    assertThat((Object) channel.readInbound()).isNull();
    channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {'T'}));
    ByteBuf second = channel.readInbound();
    assertThat(ReadyForQuery.decode(Codec.body(second)).status()).isEqualTo(ReadyForQuery.TransactionStatus.IN_TRANSACTION);
    second.release();
    assertThat(channel.finish()).isFalse();
  }

  @Test
  void refusesImpossibleLengths() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder());
    assertThatThrownBy(() -> channel.writeInbound(Unpooled.buffer().writeByte('Q').writeInt(Integer.MAX_VALUE)))
        .isInstanceOf(DecoderException.class).hasCauseInstanceOf(ProtocolException.class);
    EmbeddedChannel small = new EmbeddedChannel(new FrameDecoder());
    assertThatThrownBy(() -> small.writeInbound(Unpooled.buffer().writeByte('Q').writeInt(3)))
        .hasCauseInstanceOf(ProtocolException.class);
    channel.finishAndReleaseAll();
    small.finishAndReleaseAll();
  }

  @Test
  void aMessagePastTheLimitIsRefusedFromItsHeaderAndTheRestOfTheStreamDiscarded() {
    EmbeddedChannel channel = new EmbeddedChannel(new FrameDecoder(1000));
    ByteBuf header = Unpooled.buffer().writeByte('Q').writeInt(100 * 1024 * 1024).writeBytes(new byte[64]);
    assertThatThrownBy(() -> channel.writeInbound(header)).isInstanceOf(DecoderException.class)
        .hasCauseInstanceOf(LimitExceededException.class).cause().hasMessageContaining("'Q'")
        .hasMessageContaining("104857600").hasMessageContaining("limits.maxMessageSize");
    assertThat(header.refCnt()).as("nothing of it is kept").isZero();
    // What follows has lost its framing: dropped unread, never taken for new messages.
    ByteBuf idle = new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(UnpooledByteBufAllocator.DEFAULT);
    channel.writeInbound(idle);
    assertThat((Object) channel.readInbound()).isNull();
    assertThat(idle.refCnt()).isZero();
    channel.finishAndReleaseAll();
  }

  @Test
  void theLimitRisesOnceTheClientHasLoggedIn() {
    FrameDecoder decoder = new FrameDecoder(FrameDecoder.MAX_LOGIN_FRAME_LENGTH);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    decoder.limit(128 * 1024);
    ByteBuf large = Unpooled.buffer().writeByte('Q').writeInt(100_004).writeZero(100_000);
    channel.writeInbound(large);
    ByteBuf frame = channel.readInbound();
    assertThat(frame.readableBytes()).isEqualTo(100_005);
    frame.release();
    EmbeddedChannel login = new EmbeddedChannel(new FrameDecoder(FrameDecoder.MAX_LOGIN_FRAME_LENGTH));
    assertThatThrownBy(() -> login.writeInbound(Unpooled.buffer().writeByte('p').writeInt(100_004)))
        .hasCauseInstanceOf(LimitExceededException.class).cause().hasMessageContaining("before login");
    channel.finishAndReleaseAll();
    login.finishAndReleaseAll();
  }
}
