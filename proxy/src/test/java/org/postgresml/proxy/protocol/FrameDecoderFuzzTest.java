package org.postgresml.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.MemoryLedger;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The typed-frame decoder on arbitrary bytes cut at arbitrary points, with an arbitrary limit:
 * frames come out whole and unchanged, in order, never past the limit; the only failures are the
 * protocol's own; every buffer is released. Seeds: FrameDecoderFuzzTestInputs (docs/testing.md).
 */
@ExtendWith(NettyLeakCheck.class)
class FrameDecoderFuzzTest {

  private static final MemoryLedger LEDGER = new MemoryLedger();

  @FuzzTest
  void framesComeOutWholeOrTheStreamIsRefused(FuzzedDataProvider data) {
    long zero = LEDGER.inUse();
    int limit = data.consumeInt(5, 1 << 20);
    FrameDecoder decoder = new FrameDecoder(limit);
    EmbeddedChannel channel = LEDGER.channel(decoder);
    List<byte[]> chunks = new ArrayList<>();
    while (data.remainingBytes() > 0) {
      chunks.add(data.consumeBytes(data.consumeInt(1, 4096)));
    }
    byte[] input = concat(chunks);
    int consumed = 0;
    boolean refused = false;
    for (byte[] chunk : chunks) {
      try {
        channel.writeInbound(LEDGER.copyOf(chunk));
      } catch (DecoderException e) {
        assertThat(e.getCause()).isInstanceOfAny(ProtocolException.class, LimitExceededException.class);
        assertThat(refused).as("one refusal, then the stream is dropped unread").isFalse();
        refused = true;
      }
      for (ByteBuf frame = channel.readInbound(); frame != null; frame = channel.readInbound()) {
        int length = frame.getInt(frame.readerIndex() + 1);
        assertThat(length).isBetween(4, limit);
        assertThat(frame.readableBytes()).isEqualTo(length + 1);
        byte[] bytes = new byte[frame.readableBytes()];
        frame.readBytes(bytes);
        frame.release();
        assertThat(bytes).as("a frame is the input's next bytes, unchanged")
            .isEqualTo(java.util.Arrays.copyOfRange(input, consumed, consumed + bytes.length));
        consumed += bytes.length;
      }
    }
    channel.finishAndReleaseAll();
    if (!refused) {
      assertThat(input.length - consumed).as("what is left is one incomplete frame").isLessThanOrEqualTo(limit);
    }
    LEDGER.assertBalanced(zero, "frame decoder");
  }

  private static byte[] concat(List<byte[]> chunks) {
    int size = chunks.stream().mapToInt(chunk -> chunk.length).sum();
    byte[] all = new byte[size];
    int at = 0;
    for (byte[] chunk : chunks) {
      System.arraycopy(chunk, 0, all, at, chunk.length);
      at += chunk.length;
    }
    return all;
  }
}
