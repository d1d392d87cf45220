package org.postgresml.proxy.prepared;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.MemoryLedger;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.backend.CloseComplete;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.ParseComplete;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.frontend.Bind;
import org.postgresml.proxy.protocol.frontend.Close;
import org.postgresml.proxy.protocol.frontend.Describe;
import org.postgresml.proxy.protocol.frontend.Parse;
import org.postgresml.proxy.protocol.frontend.TargetKind;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Transaction mode's statement rewriting driven by arbitrary sequences of client frames (well-formed
 * or not) over two server connections and arbitrary server replies: only the protocol's own
 * refusals, a refused frame released, every frame out well-formed, never a Bind or Describe of a
 * proxy name the server connection was not sent a Parse for, and every buffer released. The
 * PQprepare batch is driven the same way. Seeds: StatementRewriterFuzzTestInputs (docs/testing.md).
 */
@ExtendWith(NettyLeakCheck.class)
class StatementRewriterFuzzTest {

  private static final MemoryLedger LEDGER = new MemoryLedger();
  private static final ByteBufAllocator ALLOC = LEDGER.allocator();
  private static final String[] NAMES = {"", "a", "b", "S_1"};
  private static final String[] QUERIES = {"SELECT 1", "SELECT $1::int", "BEGIN"};

  /** What one server connection was sent, as far as the rule "Parse before use" needs. */
  private static final class Server {
    final ServerStatements statements = new ServerStatements(2);
    final Set<String> parsed = new HashSet<>();
  }

  @FuzzTest
  void rewritingKeepsEveryStatementDefinedWhereItIsUsed(FuzzedDataProvider data) {
    long zero = LEDGER.inUse();
    ClientStatements client = new ClientStatements(data.consumeInt(1, 4), data.consumeInt(1, 64));
    Server[] servers = {new Server(), new Server()};
    for (int step = 0; step < 48 && data.remainingBytes() > 0; step++) {
      Server server = servers[data.consumeInt(0, 1)];
      if (data.consumeBoolean()) {
        reply(server, data);
        continue;
      }
      ByteBuf frame = frame(data);
      String clientName = statementNamed(frame);
      List<ByteBuf> out;
      try {
        out = StatementRewriter.toServer(frame, client, server.statements, ALLOC);
      } catch (ProtocolException | LimitExceededException refused) {
        assertThat(frame.refCnt()).as("a refused frame is released").isZero();
        continue;
      }
      assertThat(out).hasSizeBetween(1, 3);
      for (ByteBuf sent : out) {
        check(sent, clientName, server);
        sent.release();
      }
    }
    LEDGER.assertBalanced(zero, "statement rewriter");
  }

  @FuzzTest
  void aPrepareOnlyBatchHoldsThenHandsOnOrReleasesEveryFrame(FuzzedDataProvider data) {
    long zero = LEDGER.inUse();
    ClientStatements client = new ClientStatements(data.consumeInt(1, 4), 1000);
    PreparedCatalog catalog = new PreparedCatalog();
    for (String query : QUERIES) {
      if (data.consumeBoolean()) {
        catalog.parsed(StatementNames.of(new Parse("", query, new int[0])));
      }
    }
    PrepareOnlyBatch batch = new PrepareOnlyBatch();
    try {
      for (int step = 0; step < 48 && data.remainingBytes() > 0; step++) {
        PrepareOnlyBatch.Verdict verdict;
        try {
          verdict = batch.offer(frame(data), client, catalog);
        } catch (ProtocolException refused) {
          break; // the session ends; the batch still holds the frame until it is released below
        }
        List<ByteBuf> out = switch (verdict) {
          case MORE -> List.of();
          case ANSWERED -> answer(batch, client);
          case NEEDS_SERVER -> batch.takeFrames();
        };
        out.forEach(ByteBuf::release);
      }
    } finally {
      batch.release();
    }
    LEDGER.assertBalanced(zero, "prepare-only batch");
  }

  private static List<ByteBuf> answer(PrepareOnlyBatch batch, ClientStatements client) {
    try {
      List<ByteBuf> replies = batch.answer(client, ALLOC);
      assertThat(FrameDecoder.type(replies.get(replies.size() - 1))).isEqualTo(MessageType.READY_FOR_QUERY);
      return replies;
    } catch (LimitExceededException refused) {
      return List.of(); // past the client's limit: the session ends, the batch is released below
    }
  }

  /** A frame the server connection gets is whole, decodes, and uses only statements it was sent. */
  private static void check(ByteBuf sent, String clientName, Server server) {
    assertThat(sent.getInt(sent.readerIndex() + 1)).isEqualTo(sent.readableBytes() - 1);
    byte type = FrameDecoder.type(sent);
    if (type == MessageType.PARSE) {
      server.parsed.add(Parse.decode(Codec.body(sent)).name());
    } else if (type == MessageType.CLOSE) {
      Close close = Close.decode(Codec.body(sent));
      if (close.kind() == TargetKind.STATEMENT) {
        server.parsed.remove(close.name());
      }
    } else if (type == MessageType.BIND || type == MessageType.DESCRIBE) {
      String used = statementNamed(sent);
      if (used != null && !used.equals(clientName)) {
        assertThat(server.parsed).as("a renamed %s names a statement parsed on this server", (char) type)
            .contains(used);
      }
    }
  }

  /** The statement a Bind or a statement Describe names; null for anything else or a malformed one. */
  private static String statementNamed(ByteBuf frame) {
    try {
      byte type = FrameDecoder.type(frame);
      if (type == MessageType.BIND) {
        return Bind.statementName(frame);
      }
      if (type == MessageType.DESCRIBE) {
        Describe describe = Describe.decode(Codec.body(frame));
        return describe.kind() == TargetKind.STATEMENT ? describe.name() : null;
      }
    } catch (ProtocolException malformed) {
      return null;
    }
    return null;
  }

  private static void reply(Server server, FuzzedDataProvider data) {
    ByteBuf reply = switch (data.consumeInt(0, 4)) {
      case 0 -> ParseComplete.INSTANCE.encode(ALLOC);
      case 1 -> CloseComplete.INSTANCE.encode(ALLOC);
      case 2 -> new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC);
      case 3 -> new CommandComplete("DISCARD ALL").encode(ALLOC);
      default -> new CommandComplete("SELECT 1").encode(ALLOC);
    };
    try {
      if (FrameDecoder.type(reply) == MessageType.COMMAND_COMPLETE && Codec.body(reply).toString(
          java.nio.charset.StandardCharsets.UTF_8).startsWith("DISCARD ALL")) {
        server.parsed.clear();
      }
      StatementRewriter.toClient(reply, server.statements);
    } finally {
      reply.release();
    }
  }

  /** A client frame: mostly well-formed statement messages over a few names, sometimes raw bytes. */
  private static ByteBuf frame(FuzzedDataProvider data) {
    String name = data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : data.consumeString(8);
    String query = QUERIES[data.consumeInt(0, QUERIES.length - 1)];
    return switch (data.consumeInt(0, 7)) {
      case 0 -> new Parse(name, query, new int[0]).encode(ALLOC);
      case 1 -> {
        ByteBuf bind = Codec.begin(ALLOC, (char) MessageType.BIND);
        Codec.writeCString(bind, "");
        Codec.writeCString(bind, name);
        bind.writeShort(0).writeShort(0).writeShort(0);
        yield Codec.finish(bind);
      }
      case 2 -> new Describe(data.consumeBoolean() ? TargetKind.STATEMENT : TargetKind.PORTAL, name).encode(ALLOC);
      case 3 -> new Close(data.consumeBoolean() ? TargetKind.STATEMENT : TargetKind.PORTAL, name).encode(ALLOC);
      case 4 -> Codec.finish(Codec.begin(ALLOC, (char) MessageType.SYNC));
      default -> {
        // Raw: any type byte, any body (truncated strings, stray bytes).
        ByteBuf raw = Codec.begin(ALLOC, (char) new byte[] {'P', 'B', 'D', 'C', 'E', 'Q', 'H'}[data.consumeInt(0, 6)]);
        raw.writeBytes(data.consumeBytes(data.consumeInt(0, 32)));
        yield Codec.finish(raw);
      }
    };
  }
}
