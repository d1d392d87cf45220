package org.postgresml.proxy.prepared;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.frontend.Bind;
import org.postgresml.proxy.protocol.frontend.Close;
import org.postgresml.proxy.protocol.frontend.Describe;
import org.postgresml.proxy.protocol.frontend.Parse;
import org.postgresml.proxy.protocol.frontend.TargetKind;

/**
 * Named prepared statements in transaction mode, where a client's next transaction may run on
 * another server connection (PgBouncer's {@code max_prepared_statements}, PgCat's
 * {@code prepared_statements}):
 * <ul>
 *   <li>a client's Parse is sent under a proxy-wide name, once per server connection;</li>
 *   <li>Bind and Describe are renamed, and preceded by the Parse when this server lacks it;</li>
 *   <li>the replies the proxy caused itself (ParseComplete, CloseComplete) are swallowed, so the
 *       client sees exactly the replies to what it sent, in order.</li>
 * </ul>
 * Every other frame passes untouched. Frames in are owned by the rewriter; frames out by the caller.
 */
public final class StatementRewriter {

  /** Command tags after which the server holds no prepared statement of the connection. */
  private static final byte[] DISCARD_ALL = "DISCARD ALL".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] DEALLOCATE_ALL = "DEALLOCATE ALL".getBytes(StandardCharsets.US_ASCII);

  private StatementRewriter() {}

  /**
   * Rewrites one client frame for the server connection it goes to. A frame that does not decode
   * is released here and fails with {@link ProtocolException}, one past a client's limits with
   * {@link LimitExceededException}: nothing of it reaches the server.
   */
  public static List<ByteBuf> toServer(ByteBuf frame, ClientStatements client, ServerStatements server,
      ByteBufAllocator alloc) {
    try {
      return rewrite(frame, client, server, alloc);
    } catch (ProtocolException | LimitExceededException e) {
      // Every decode and check comes before the frame is released or sent, so it is still ours here.
      frame.release();
      throw e;
    }
  }

  private static List<ByteBuf> rewrite(ByteBuf frame, ClientStatements client, ServerStatements server,
      ByteBufAllocator alloc) {
    byte type = FrameDecoder.type(frame);
    if (type == MessageType.PARSE) {
      return parse(frame, client, server, alloc);
    }
    if (type == MessageType.BIND) {
      String name = Bind.statementName(frame);
      if (name.isEmpty()) {
        server.bindSent(null);
        return List.of(frame);
      }
      List<ByteBuf> out = renamed(frame, name, client, server, alloc,
          proxyName -> Bind.withStatementName(frame, proxyName, alloc));
      server.bindSent(client.lookup(name).map(Parse::name).orElse(null));
      return out;
    }
    if (type == MessageType.DESCRIBE) {
      Describe describe = Describe.decode(Codec.body(frame));
      if (describe.kind() == TargetKind.PORTAL || describe.name().isEmpty()) {
        return List.of(frame);
      }
      return renamed(frame, describe.name(), client, server, alloc,
          proxyName -> new Describe(TargetKind.STATEMENT, proxyName).encode(alloc));
    }
    if (type == MessageType.CLOSE) {
      Close close = Close.decode(Codec.body(frame));
      server.closeSent(true);
      if (close.kind() == TargetKind.STATEMENT && client.forget(close.name())) {
        // Other clients may use the statement on this server: keep it, answer the client's Close alone.
        frame.release();
        return List.of(new Close(TargetKind.STATEMENT, StatementNames.nothing()).encode(alloc));
      }
      return List.of(frame);
    }
    return List.of(frame);
  }

  private static List<ByteBuf> parse(ByteBuf frame, ClientStatements client, ServerStatements server,
      ByteBufAllocator alloc) {
    Parse parse = Parse.decode(Codec.body(frame));
    if (parse.name().isEmpty()) {
      server.unnamedParseSent();
      return List.of(frame);
    }
    String proxyName = StatementNames.of(parse);
    Parse underProxyName = parse.renamed(proxyName);
    client.define(parse.name(), underProxyName); // may refuse: the frame is still ours to release then
    frame.release();
    List<ByteBuf> out = new ArrayList<>(3);
    if (server.hasOrWillHave(proxyName)) {
      // Already there: prepare it again for real, as PostgreSQL would for this client. A client
      // parses again on purpose (drivers do after "cached plan must not change result type"), and a
      // new client must get a plan made now, not one made before its tables changed. The connection
      // is this client's alone for the transaction; others find the fresh statement under the name.
      // (prepareOnServer closes it first.)
      server.forgetForReprepare(proxyName);
    }
    out.addAll(prepareOnServer(underProxyName, true, server, alloc));
    return out;
  }

  private static List<ByteBuf> renamed(ByteBuf frame, String clientName, ClientStatements client,
      ServerStatements server, ByteBufAllocator alloc, java.util.function.Function<String, ByteBuf> rename) {
    Optional<Parse> statement = client.lookup(clientName);
    if (statement.isEmpty()) {
      return List.of(frame); // the server answers "prepared statement does not exist", as it should
    }
    String proxyName = statement.get().name();
    List<ByteBuf> out = new ArrayList<>(3);
    if (server.hasOrWillHave(proxyName)) {
      server.used(proxyName);
    } else {
      out.addAll(prepareOnServer(statement.get(), false, server, alloc));
    }
    out.add(rename.apply(proxyName));
    frame.release();
    return out;
  }

  private static List<ByteBuf> prepareOnServer(Parse underProxyName, boolean forClient, ServerStatements server,
      ByteBufAllocator alloc) {
    List<ByteBuf> out = new ArrayList<>(3);
    Optional<String> evicted = server.evictForOneMore();
    if (evicted.isPresent()) {
      out.add(new Close(TargetKind.STATEMENT, evicted.get()).encode(alloc));
      server.ownCloseSent(evicted.get());
    }
    if (server.mayHave(underProxyName.name())) {
      // There, or maybe (a Parse in flight in an earlier batch, a Close an error may have skipped), or
      // stale: Close (harmless when absent) then Parse is right either way.
      out.add(new Close(TargetKind.STATEMENT, underProxyName.name()).encode(alloc));
      server.ownCloseSent(underProxyName.name());
    }
    out.add(underProxyName.encode(alloc));
    server.parseSent(underProxyName.name(), forClient);
    return out;
  }

  /**
   * Looks at one server frame: true when it goes on to the client, false when it answered the
   * proxy's own message (the caller releases it).
   */
  public static boolean toClient(ByteBuf frame, ServerStatements server) {
    byte type = FrameDecoder.type(frame);
    if (type == MessageType.PARSE_COMPLETE) {
      return server.replyArrived(ServerStatements.Reply.PARSE_COMPLETE);
    }
    if (type == MessageType.CLOSE_COMPLETE) {
      return server.replyArrived(ServerStatements.Reply.CLOSE_COMPLETE);
    }
    if (type == MessageType.BIND_COMPLETE) {
      server.bindCompleted();
    } else if (type == MessageType.ERROR_RESPONSE && StalePlan.is(ErrorResponse.decode(Codec.body(frame)))) {
      server.staleReported();
    }
    if (type == MessageType.COMMAND_COMPLETE && (tagStartsWith(frame, DISCARD_ALL) || tagStartsWith(frame, DEALLOCATE_ALL))) {
      server.allDropped();
    }
    return true;
  }


  // Every transaction ends in a CommandComplete: compared in place, with no String or slice per frame.
  private static boolean tagStartsWith(ByteBuf frame, byte[] prefix) {
    int tagAt = frame.readerIndex() + 5; // type byte and length
    if (frame.readableBytes() - 5 < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (frame.getByte(tagAt + i) != prefix[i]) {
        return false;
      }
    }
    return true;
  }
}
