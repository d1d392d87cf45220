package org.postgresml.proxy.protocol;

import io.netty.buffer.ByteBuf;
import org.postgresml.proxy.protocol.FrontendMessage.Answer;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;

/**
 * What a server connection still owes the client it serves: the one place that decides whether
 * the connection may serve someone else. It follows the frontend messages sent, in order, and
 * settles each with the backend messages that answer it, by the rules of {@link FrontendMessage}:
 * a Query, FunctionCall or Sync is settled by its ReadyForQuery, an extended-protocol message by
 * its own reply; after an ErrorResponse to an extended message the server skips everything up to
 * the next Sync (a Query or FunctionCall too); a running COPY FROM STDIN reads every message up
 * to CopyDone or CopyFail as its data. What it cannot place (a ReadyForQuery nobody asked for, a
 * message pipelined into a COPY, CopyBoth) makes the connection one never to hand on.
 *
 * <p>Feed it every frame sent to the server (after any rewriting) and every frame the server
 * sends (before any is swallowed). It is the one reader that pairs Query, FunctionCall and Sync
 * with their ReadyForQuery, for everyone who needs that: the session (may the connection go?), the
 * traffic clock ({@link Answers}), the statement record's batches ({@link SkippedStatements}). One
 * instance per client session, on its event loop; the hot path allocates nothing (what is pending
 * is a ring of message constants, {@link PendingMessages}).
 */
public final class Conversation {

  /**
   * What a server connection's record of its prepared statements must hear (transaction mode's
   * {@code ServerStatements}): each Parse, Bind and Close the server skipped after an error, and the
   * one that failed (their replies never come); each Sync sent (the batches an error can skip).
   */
  @FunctionalInterface
  public interface SkippedStatements {
    SkippedStatements NONE = message -> { };

    void skipped(FrontendMessage message);

    /** A Sync went to the server: messages after it are a new batch. */
    default void syncSent() {}
  }

  /** Told of each ReadyForQuery that settles a Query, FunctionCall or Sync (the session's traffic clock). */
  @FunctionalInterface
  public interface Answers {
    Answers NONE = (status, moreOwed) -> { };

    /**
     * @param status the transaction status it reported
     * @param moreOwed another Query, FunctionCall or Sync sent behind it still awaits its ReadyForQuery
     */
    void answered(TransactionStatus status, boolean moreOwed);
  }

  /** Messages sent and not yet settled, oldest first (CopyDone/CopyFail kept as markers). */
  private final PendingMessages pending = new PendingMessages();
  /** Extended-protocol messages were sent since the last Sync, Query or FunctionCall. */
  private boolean batchOpen;
  /** An extended message failed and no Sync was sent since: the server discards all but Sync. */
  private boolean skipping;
  /** The oldest message runs a COPY FROM STDIN: the server reads what follows as its data. */
  private boolean copyIn;
  /** That COPY's CopyDone or CopyFail has been sent: what follows it is read as usual again. */
  private boolean copyEndSent;
  /** Syncs sent into the running COPY, which ignores them (libpq's extended-protocol COPY). */
  private int syncsInCopy;
  /** The server said something the model cannot place: the connection is never reused. */
  private boolean lost;
  private TransactionStatus status = TransactionStatus.IDLE;
  private SkippedStatements skippedStatements = SkippedStatements.NONE;
  private final Answers answers;

  public Conversation() {
    this(Answers.NONE);
  }

  /** A conversation that tells {@code answers} of every ReadyForQuery that settles something. */
  public Conversation(Answers answers) {
    this.answers = answers;
  }

  /** A fresh server connection (or a fresh client): nothing owed. */
  public void reset(SkippedStatements statements) {
    pending.clear();
    batchOpen = false;
    skipping = false;
    copyIn = false;
    copyEndSent = false;
    syncsInCopy = 0;
    lost = false;
    status = TransactionStatus.IDLE;
    skippedStatements = statements;
  }

  /**
   * A frame on its way to the server. Returns false, and counts nothing, for a type a logged-in
   * client may not send (unknown, or a login message): the caller refuses it.
   */
  public boolean clientSent(byte type) {
    FrontendMessage message = FrontendMessage.of(type);
    if (message == null || !message.relayable()) {
      return false;
    }
    if (message == FrontendMessage.SYNC) {
      skippedStatements.syncSent(); // every Sync, also one a COPY reads as data: a batch's number only grows
    }
    switch (message.answer()) {
      case NOTHING -> { } // Flush, Terminate
      case PART_OF_COPY -> {
        if (message != FrontendMessage.COPY_DATA) {
          copyEndSent |= copyIn;
          if (pending.size() > 0) {
            pending.push(message); // marks where a COPY pipelined ahead of its CopyInResponse ends
          }
        }
      }
      default -> {
        if (copyIn && !copyEndSent) {
          intoCopy(message);
        } else if (skipping && message != FrontendMessage.SYNC) {
          tellSkipped(message);
        } else {
          skipping = false;
          batchOpen = message.answer() == Answer.OWN_REPLY;
          pending.push(message);
        }
      }
    }
    return true;
  }

  /** A message the running COPY reads as data: a Sync it ignores, anything else makes it fail. */
  private void intoCopy(FrontendMessage message) {
    if (message == FrontendMessage.SYNC) {
      syncsInCopy++;
      batchOpen = true; // the batch that started the COPY still awaits a Sync of its own
    } else {
      lost = true;
    }
  }

  /**
   * A frame from the server. Returns true when it is the ReadyForQuery that settles a Query,
   * FunctionCall or Sync; {@link #status()} then holds its transaction status.
   */
  public boolean serverSent(ByteBuf frame) {
    byte type = frame.getByte(frame.readerIndex());
    switch (type) {
      case MessageType.NOTICE_RESPONSE, MessageType.PARAMETER_STATUS, MessageType.NOTIFICATION_RESPONSE -> {
        return false; // asynchronous: may come at any time, answers nothing
      }
      case MessageType.READY_FOR_QUERY -> {
        return ready(frame);
      }
      case MessageType.ERROR_RESPONSE -> error();
      case MessageType.COPY_IN_RESPONSE, MessageType.COPY_BOTH_RESPONSE -> copyStarted(type);
      default -> {
        if (type == MessageType.COMMAND_COMPLETE && copyIn) {
          endCopy();
        }
        FrontendMessage oldest = pending.size() > 0 ? pending.head() : null;
        if (oldest != null && oldest.answer() == Answer.OWN_REPLY && oldest.completedBy(type)) {
          pop();
        }
      }
    }
    return false;
  }

  private boolean ready(ByteBuf frame) {
    TransactionStatus reported = frame.readableBytes() > 5 ? statusOf(frame.getByte(frame.readerIndex() + 5)) : null;
    if (reported == null || pending.size() == 0 || pending.head().answer() != Answer.READY_FOR_QUERY) {
      lost = true;
      return false;
    }
    status = reported;
    endCopy(); // a COPY in a Query that failed ends with it
    pop();
    answers.answered(reported, pending.readiesOwed() > 0);
    return true;
  }

  private void error() {
    if (copyIn) {
      // Where the COPY stopped reading is the server's secret: a Sync it took as data may be read anew.
      lost |= syncsInCopy > 0;
      endCopy();
    }
    if (pending.size() == 0 || pending.head().answer() != Answer.OWN_REPLY) {
      return; // a Query's, FunctionCall's or Sync's ReadyForQuery still comes; or a FATAL goodbye
    }
    // An extended message failed: the server discards everything up to the next Sync.
    while (pending.size() > 0 && pending.head() != FrontendMessage.SYNC) {
      tellSkipped(pending.removeHead());
    }
    skipping = pending.size() == 0;
  }

  private void tellSkipped(FrontendMessage message) {
    if (message == FrontendMessage.PARSE || message == FrontendMessage.BIND || message == FrontendMessage.CLOSE) {
      skippedStatements.skipped(message);
    }
  }

  private void copyStarted(byte type) {
    if (type == MessageType.COPY_BOTH_RESPONSE || pending.size() == 0) {
      lost = true; // replication's CopyBoth, or a COPY nobody asked for
    }
    copyIn = true;
    copyEndSent = false;
    syncsInCopy = 0;
    // What the client pipelined behind the COPY command is its data, up to CopyDone or CopyFail.
    int at = 1;
    while (at < pending.size()) {
      FrontendMessage next = pending.at(at);
      if (next == FrontendMessage.COPY_DONE || next == FrontendMessage.COPY_FAIL) {
        copyEndSent = true;
        return;
      }
      if (next == FrontendMessage.SYNC) {
        pending.removeAt(at);
        intoCopy(next);
      } else {
        lost = true;
        at++;
      }
    }
  }

  private void endCopy() {
    copyIn = false;
    copyEndSent = false;
    syncsInCopy = 0;
  }

  /** The transaction status of the last ReadyForQuery. */
  public TransactionStatus status() {
    return status;
  }

  /** Everything sent has been answered: no message, batch, skip or COPY outstanding. */
  public boolean isSettled() {
    return pending.size() == 0 && !batchOpen && !skipping && !copyIn && !lost;
  }

  /**
   * The decision: the server connection owes this client nothing and holds no transaction, so
   * it may serve someone else. Anything less is a dirty connection: closed, never handed on.
   */
  public boolean isReusable() {
    return isSettled() && status == TransactionStatus.IDLE;
  }

  /** Something sent is still unanswered: a cancel now can only hit that. */
  public boolean isBusy() {
    return pending.size() > 0 || batchOpen || skipping || copyIn;
  }

  /** A Query, FunctionCall or Sync sent still awaits its ReadyForQuery. */
  public boolean owesReady() {
    return pending.readiesOwed() > 0;
  }

  private static TransactionStatus statusOf(byte code) {
    return switch (code) {
      case 'I' -> TransactionStatus.IDLE;
      case 'T' -> TransactionStatus.IN_TRANSACTION;
      case 'E' -> TransactionStatus.FAILED_TRANSACTION;
      default -> null;
    };
  }

  /** The head is settled; CopyDone/CopyFail markers behind it have nothing left to mark. */
  private void pop() {
    pending.removeHead();
    while (pending.size() > 0 && pending.head().answer() == Answer.PART_OF_COPY) {
      pending.removeHead();
    }
  }
}
