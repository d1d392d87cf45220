package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.MemoryLedger;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * A client's first bytes, whatever they are, cut anywhere: SSLRequest, GSSENCRequest, CancelRequest,
 * StartupMessage and then the password exchange (SCRAM-SHA-256, md5 or trust) against the proxy as
 * the server. Nothing escapes the handlers, no input takes the "unexpected error" path (only the
 * protocol's own refusals), every buffer is released, and a closed connection leaves the registry.
 * Seeds: NegotiationFuzzTestInputs (docs/testing.md).
 */
@ExtendWith(NettyLeakCheck.class)
class NegotiationFuzzTest {

  private static final MemoryLedger LEDGER = new MemoryLedger();
  /** What ClientSession answers only when a handler threw something other than a protocol refusal. */
  private static final byte[] UNEXPECTED = "invalid message from client".getBytes(StandardCharsets.US_ASCII);
  private static final StubSessions[] PROXIES = {
      StubSessions.withFlags(),
      StubSessions.withFlags("--client-auth", "md5"),
      StubSessions.withFlags("--client-auth", "trust", "--listen-host", "127.0.0.1", "--max-message-size", "64kB"),
  };

  @FuzzTest
  void everyFirstByteIsAnsweredByTheProtocolOrClosed(FuzzedDataProvider data) {
    long zero = LEDGER.inUse();
    StubSessions proxy = PROXIES[data.consumeInt(0, PROXIES.length - 1)];
    int connectedBefore = proxy.connected();
    EmbeddedChannel channel = proxy.connect(LEDGER);
    ByteArrayOutputStream answered = new ByteArrayOutputStream();
    // Bounded work: the input is cut into at most 64 writes, each answered before the next.
    for (int write = 0; write < 64 && data.remainingBytes() > 0 && channel.isOpen(); write++) {
      byte[] chunk = data.consumeBytes(data.consumeInt(1, 2048));
      channel.writeInbound(LEDGER.copyOf(chunk));
      channel.runPendingTasks();
      channel.checkException(); // nothing may reach the end of the pipeline
      drain(channel, answered);
    }
    channel.finishAndReleaseAll();
    drain(channel, answered);
    assertThat(indexOf(answered.toByteArray(), UNEXPECTED)).as("no input takes the unexpected-error path")
        .isEqualTo(-1);
    assertThat(proxy.connected()).as("the closed connection left the registry").isEqualTo(connectedBefore);
    LEDGER.assertBalanced(zero, "negotiation");
  }

  private static void drain(EmbeddedChannel channel, ByteArrayOutputStream into) {
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) out;
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      buf.release();
      into.writeBytes(bytes);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
