package org.postgresml.proxy.session;

import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;

/**
 * Where a client's conversation with its server connection stands, from the frame types alone:
 * how many Query/Sync messages still await their ReadyForQuery, whether an extended-protocol batch
 * was begun without its Sync, and the last transaction status. A server connection is clean, and
 * may serve someone else, only when nothing is outstanding and no transaction is open.
 */
final class TransactionTracker {

  private int awaitingReady;
  private boolean batchOpen;
  private TransactionStatus status = TransactionStatus.IDLE;
  private boolean copyFailed;

  void clientSent(byte type) {
    switch (type) {
      case MessageType.QUERY, MessageType.SYNC -> {
        awaitingReady++;
        batchOpen = false;
      }
      case MessageType.PARSE, MessageType.BIND, MessageType.DESCRIBE, MessageType.CLOSE, MessageType.EXECUTE,
          MessageType.FLUSH -> batchOpen = true;
      case MessageType.COPY_FAIL -> copyFailed = true;
      default -> { }
    }
  }

  /** Returns true for the ReadyForQuery that leaves the connection idle between transactions. */
  boolean serverSentReady(TransactionStatus newStatus) {
    status = newStatus;
    if (awaitingReady > 0) {
      awaitingReady--;
    }
    copyFailed = false;
    return isClean();
  }

  /** No transaction open, nothing in flight: safe to reset and give to someone else. */
  boolean isClean() {
    return awaitingReady == 0 && !batchOpen && !copyFailed && status == TransactionStatus.IDLE;
  }

  /** Something the client sent is still running or unanswered: a cancel now can only hit that. */
  boolean isBusy() {
    return awaitingReady > 0 || batchOpen;
  }

  /** A new server connection starts from scratch. */
  void reset() {
    awaitingReady = 0;
    batchOpen = false;
    copyFailed = false;
    status = TransactionStatus.IDLE;
  }
}
