package org.postgresml.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.frontend.Query;

/** The console's wire side: what a client reads back, in order, over an {@link EmbeddedChannel}. */
class AdminSessionTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  @Test
  void shutdownIsAnsweredBeforeItEndsTheConsolesOwnSession() {
    EmbeddedChannel channel = new EmbeddedChannel();
    // A drain with a 0 s grace ends every session at once, this one included.
    StubAdminContext context = new StubAdminContext().onShutdown(channel::close);
    channel.pipeline().addLast(new AdminSession(new AdminConsole(context), new BackendKeyData(7, 42)));
    readAll(channel); // the login's answer

    channel.writeInbound(new Query("SHUTDOWN").encode(ALLOC));
    List<String> replies = readAll(channel);

    assertThat(replies).as("the client reads the command's reply before the drain ends it")
        .containsExactly("C SHUTDOWN", "Z");
    assertThat(context.leversPulled()).isEqualTo(1);
    assertThat(channel.isOpen()).as("then the shutdown ended the session").isFalse();
  }

  @Test
  void aQueryIsAnsweredWithItsTableThenReadyForQuery() {
    EmbeddedChannel channel = new EmbeddedChannel();
    StubAdminContext context = new StubAdminContext();
    channel.pipeline().addLast(new AdminSession(new AdminConsole(context), new BackendKeyData(7, 42)));
    readAll(channel);

    channel.writeInbound(new Query("RELOAD; RESUME").encode(ALLOC));

    assertThat(readAll(channel)).containsExactly("C RELOAD", "C RESUME", "Z");
    assertThat(context.leversPulled()).isEqualTo(2);
    assertThat(channel.isOpen()).isTrue();
    channel.finishAndReleaseAll();
  }

  @Test
  void statementsBeforeAnUnknownOneAreAnsweredThenTheErrorAsPostgresqlDoes() {
    EmbeddedChannel channel = new EmbeddedChannel();
    StubAdminContext context = new StubAdminContext().onShutdown(channel::close);
    channel.pipeline().addLast(new AdminSession(new AdminConsole(context), new BackendKeyData(7, 42)));
    readAll(channel);

    channel.writeInbound(new Query("SHUTDOWN; DROP TABLE x").encode(ALLOC));

    assertThat(readAll(channel)).containsExactly("C SHUTDOWN", "E", "Z");
    assertThat(context.leversPulled()).as("the shutdown before the unknown statement still happens").isEqualTo(1);
    assertThat(channel.isOpen()).isFalse();
  }

  /** Each backend message written so far: its type, and a CommandComplete's tag. */
  private static List<String> readAll(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<String> messages = new ArrayList<>();
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) out;
      try {
        while (buf.isReadable()) {
          ByteBuf frame = buf.readSlice(buf.getInt(buf.readerIndex() + 1) + 1);
          char type = (char) FrameDecoder.type(frame);
          messages.add(type == MessageType.COMMAND_COMPLETE
              ? "C " + CommandComplete.decode(Codec.body(frame)).tag() : String.valueOf(type));
        }
      } finally {
        buf.release();
      }
    }
    return messages;
  }
}
