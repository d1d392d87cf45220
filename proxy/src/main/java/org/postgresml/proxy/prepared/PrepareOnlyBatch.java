package org.postgresml.proxy.prepared;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.ParseComplete;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.protocol.frontend.Parse;

/**
 * Transaction mode, between transactions: a batch of named Parse messages closed by a Sync (libpq's
 * {@code PQprepare}) is answered by the proxy itself when the pool's {@link PreparedCatalog} says
 * every statement in it parses. Nothing runs on a server for such a batch (the statement is
 * prepared on a server connection when first bound), and the client gets no server connection it
 * would hold while its own program is blocked elsewhere. Any other frame, or a statement the pool
 * has not parsed yet, sends the frames held so far to a server as usual.
 *
 * <p>Frames offered are owned by the batch until {@link #takeFrames()} or {@link #release()}.
 */
public final class PrepareOnlyBatch {

  /** What the caller does after offering a frame. */
  public enum Verdict {
    /** Held: wait for the client's next frame. */
    MORE,
    /** A whole batch the proxy answers: call {@link #answer}. */
    ANSWERED,
    /** Not for the proxy to answer: send {@link #takeFrames()} to a server connection. */
    NEEDS_SERVER
  }

  /** A client that sends more Parse messages than this before its Sync is served by a server. */
  private static final int MAX_HELD = 64;
  /** Nor is one whose held Parse messages add up to more than this: the batch must not hoard memory. */
  private static final int MAX_HELD_BYTES = 1024 * 1024;

  private final List<ByteBuf> held = new ArrayList<>();
  private final List<Parse> clientParses = new ArrayList<>();
  private long heldBytes;

  /** Takes one client frame; decides with what the client sent before it in this batch. */
  public Verdict offer(ByteBuf frame, ClientStatements client, PreparedCatalog catalog) {
    held.add(frame);
    heldBytes += frame.readableBytes();
    byte type = FrameDecoder.type(frame);
    if (type == MessageType.SYNC && !clientParses.isEmpty()) {
      return Verdict.ANSWERED;
    }
    if (type != MessageType.PARSE || held.size() > MAX_HELD || heldBytes > MAX_HELD_BYTES) {
      return Verdict.NEEDS_SERVER;
    }
    Parse parse = Parse.decode(Codec.body(frame));
    // A name the client defined already is the server path's to answer, as is any unnamed statement.
    if (parse.name().isEmpty() || client.lookup(parse.name()).isPresent() || inBatch(parse.name())
        || !catalog.isKnown(StatementNames.of(parse))) {
      return Verdict.NEEDS_SERVER;
    }
    clientParses.add(parse);
    return Verdict.MORE;
  }

  // A scan of at most MAX_HELD names rather than a set that every idle session would hold.
  private boolean inBatch(String name) {
    for (Parse parse : clientParses) {
      if (parse.name().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Defines the batch's statements for the client and returns its replies: one ParseComplete per
   * Parse, then ReadyForQuery (idle, as the client is between transactions).
   */
  public List<ByteBuf> answer(ClientStatements client, ByteBufAllocator alloc) {
    for (Parse parse : clientParses) {
      client.define(parse.name(), parse.renamed(StatementNames.of(parse))); // may refuse: nothing allocated yet
    }
    List<ByteBuf> replies = new ArrayList<>(clientParses.size() + 1);
    for (int i = 0; i < clientParses.size(); i++) {
      replies.add(ParseComplete.INSTANCE.encode(alloc));
    }
    replies.add(new ReadyForQuery(TransactionStatus.IDLE).encode(alloc));
    release();
    return replies;
  }

  /** The frames held, in the client's order, for a server connection; the batch starts over. */
  public List<ByteBuf> takeFrames() {
    List<ByteBuf> frames = List.copyOf(held);
    startOver();
    return frames;
  }

  /** Nothing held: the client is not in the middle of a batch. */
  public boolean isEmpty() {
    return held.isEmpty();
  }

  /** Drops what is held (the client left, or the batch was answered). */
  public void release() {
    held.forEach(ByteBuf::release);
    startOver();
  }

  private void startOver() {
    held.clear();
    heldBytes = 0;
    clientParses.clear();
  }
}
