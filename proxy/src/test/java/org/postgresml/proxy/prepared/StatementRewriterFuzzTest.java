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
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.CloseComplete;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
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
 * proxy name never parsed on that server connection, never a Parse of a statement it has (42P05),
 * and every buffer released. The server processes in order and skips to Sync after an error. The
 * PQprepare batch is driven the same way. Seeds: StatementRewriterFuzzTestInputs (docs/testing.md).
 */
@ExtendWith(NettyLeakCheck.class)
class StatementRewriterFuzzTest {

  private static final MemoryLedger LEDGER = new MemoryLedger();
  private static final ByteBufAllocator ALLOC = LEDGER.allocator();
  private static final String[] NAMES = {"", "a", "b", "S_1"};
  private static final String[] QUERIES = {"SELECT 1", "SELECT $1::int", "BEGIN"};

  /**
   * One server connection as PostgreSQL runs it: it takes what it was sent in order, answers each
   * message when the fuzzer says, and after an error skips to the next Sync. Its statements change
   * only as it processes messages, which is where the rules are checked.
   */
  private static final class Server {
    final ServerStatements statements = new ServerStatements(2);
    final Set<String> actual = new HashSet<>();
    /** Messages sent and not yet processed, oldest first. */
    final java.util.ArrayDeque<Sent> queue = new java.util.ArrayDeque<>();
    /** After an error with no Sync sent yet: what comes is skipped until one is. */
    boolean skipping;
    /** Every statement name a Parse was sent for on this connection. */
    final Set<String> everParsed = new HashSet<>();
    /** Tells the statements which Parse, Bind and Close an error skipped, as a session's does. */
    final Conversation conversation = new Conversation();

    Server() {
      conversation.reset(statements);
    }
  }

  /** READY: a Sync's ReadyForQuery; QUERY_READY: a Query's, which an error's skipping discards too. */
  private enum Kind { PARSE, CLOSE, BIND, DESCRIBE, EXECUTE, DISCARD, READY, QUERY_READY }

  /** A message the server still has to process; {@code renamed}: a statement name the proxy chose. */
  private record Sent(Kind kind, String statement, boolean renamed) {}

  @FuzzTest
  void rewritingKeepsEveryStatementDefinedWhereItIsUsed(FuzzedDataProvider data) {
    long zero = LEDGER.inUse();
    ClientStatements client = new ClientStatements(data.consumeInt(1, 4), data.consumeInt(1, 64));
    Server[] servers = {new Server(), new Server()};
    for (int step = 0; step < 48 && data.remainingBytes() > 0; step++) {
      Server server = servers[data.consumeInt(0, 1)];
      if (data.consumeBoolean()) {
        reply(server, data.consumeBoolean());
        continue;
      }
      ByteBuf frame = frame(data);
      String clientName = statementNamed(frame);
      List<ByteBuf> out;
      try {
        out = StatementRewriter.toServer(frame, client, server.statements, ALLOC);
      } catch (ProtocolException | LimitExceededException refused) {
        assertThat(frame.refCnt()).as("a refused frame is released").isZero();
        break; // the session ends with a FATAL error
      }
      assertThat(out).as("bounded: an eviction, a Close, the Parse, the message").hasSizeBetween(1, 4);
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

  /** A frame the server connection gets is whole and decodes; it is queued for the server to process. */
  private static void check(ByteBuf sent, String clientName, Server server) {
    assertThat(sent.getInt(sent.readerIndex() + 1)).isEqualTo(sent.readableBytes() - 1);
    byte type = FrameDecoder.type(sent);
    server.conversation.clientSent(type);
    if (type == MessageType.PARSE) {
      server.everParsed.add(Parse.decode(Codec.body(sent)).name());
    }
    if (server.skipping) {
      if (type == MessageType.SYNC) {
        // PostgreSQL answers the Sync that ends the failed batch; it discards a Query before it.
        server.skipping = false;
        server.queue.add(new Sent(Kind.READY, null, false));
      }
      return;
    }
    if (type == MessageType.PARSE) {
      server.queue.add(new Sent(Kind.PARSE, Parse.decode(Codec.body(sent)).name(), false));
    } else if (type == MessageType.CLOSE) {
      Close close = Close.decode(Codec.body(sent));
      server.queue.add(new Sent(Kind.CLOSE, close.kind() == TargetKind.STATEMENT ? close.name() : null, false));
    } else if (type == MessageType.BIND || type == MessageType.DESCRIBE) {
      String used = statementNamed(sent);
      server.queue.add(new Sent(type == MessageType.BIND ? Kind.BIND : Kind.DESCRIBE, used,
          used != null && !used.equals(clientName)));
    } else if (type == MessageType.EXECUTE) {
      server.queue.add(new Sent(Kind.EXECUTE, null, false));
    } else if (type == MessageType.SYNC) {
      server.queue.add(new Sent(Kind.READY, null, false));
    } else if (type == MessageType.QUERY) {
      if (Codec.body(sent).toString(java.nio.charset.StandardCharsets.UTF_8).startsWith("DISCARD ALL")) {
        server.queue.add(new Sent(Kind.DISCARD, null, false));
      }
      server.queue.add(new Sent(Kind.QUERY_READY, null, false));
    }
  }

  /**
   * The server processes its oldest message and answers it; with {@code error} that message fails
   * (ErrorResponse, a Sync never does): after an extended-protocol message everything up to the next
   * Sync is skipped, a Query (or the DISCARD ALL it runs) still ends with its ReadyForQuery, as
   * PostgreSQL does. Every reply goes through the rewriter and the conversation, as in a session.
   */
  private static void reply(Server server, boolean error) {
    Sent next = server.queue.poll();
    if (next == null) {
      return;
    }
    if (error && next.kind() != Kind.READY) {
      answer(server, ErrorResponse.error(SqlState.SYNTAX_ERROR, "failed").encode(ALLOC));
      Kind endsAt = next.kind() == Kind.DISCARD || next.kind() == Kind.QUERY_READY ? Kind.QUERY_READY : Kind.READY;
      while (next != null && next.kind() != endsAt) {
        next = server.queue.poll();
      }
      if (next == null) {
        server.skipping = true; // no Sync yet: the ReadyForQuery comes after the one still to be sent
        return;
      }
    }
    ByteBuf reply = switch (next.kind()) {
      case PARSE -> {
        String name = next.statement();
        if (!name.isEmpty()) {
          assertThat(server.actual).as("a Parse never names a statement the server has (42P05)").doesNotContain(name);
          server.actual.add(name);
        }
        yield ParseComplete.INSTANCE.encode(ALLOC);
      }
      case CLOSE -> {
        if (next.statement() != null) {
          server.actual.remove(next.statement());
        }
        yield CloseComplete.INSTANCE.encode(ALLOC);
      }
      case BIND, DESCRIBE -> {
        if (next.renamed()) {
          // The exact rule (the statement is there whenever its client's Parse succeeded) needs the
          // client's view of each Parse; what holds here is that it was parsed on this connection.
          assertThat(server.everParsed).as("a renamed %s names a statement parsed on this connection", next.kind())
              .contains(next.statement());
        }
        yield next.kind() == Kind.BIND ? org.postgresml.proxy.protocol.backend.BindComplete.INSTANCE.encode(ALLOC)
            : Codec.finish(Codec.begin(ALLOC, 'n')); // NoData
      }
      case EXECUTE -> Codec.finish(Codec.begin(ALLOC, 'I')); // EmptyQueryResponse
      case DISCARD -> {
        server.actual.clear();
        yield new CommandComplete("DISCARD ALL").encode(ALLOC);
      }
      case READY, QUERY_READY -> new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC);
    };
    answer(server, reply);
  }

  /** A server frame, seen by the rewriter first and then the conversation, as ClientSession does. */
  private static void answer(Server server, ByteBuf reply) {
    try {
      StatementRewriter.toClient(reply, server.statements);
      server.conversation.serverSent(reply);
    } finally {
      reply.release();
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

  /** A client frame: mostly well-formed statement messages over a few names, sometimes raw bytes. */
  private static ByteBuf frame(FuzzedDataProvider data) {
    String name = data.consumeBoolean() ? NAMES[data.consumeInt(0, NAMES.length - 1)] : data.consumeString(8);
    String query = QUERIES[data.consumeInt(0, QUERIES.length - 1)];
    return switch (data.consumeInt(0, 8)) {
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
      case 5 -> new org.postgresml.proxy.protocol.frontend.Query(data.consumeBoolean() ? "DISCARD ALL" : query)
          .encode(ALLOC);
      default -> {
        // Raw: any type byte, any body (truncated strings, stray bytes).
        ByteBuf raw = Codec.begin(ALLOC, (char) new byte[] {'P', 'B', 'D', 'C', 'E', 'Q', 'H'}[data.consumeInt(0, 6)]);
        raw.writeBytes(data.consumeBytes(data.consumeInt(0, 32)));
        yield Codec.finish(raw);
      }
    };
  }
}
