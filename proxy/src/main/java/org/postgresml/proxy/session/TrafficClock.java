package org.postgresml.proxy.session;

import java.util.function.LongSupplier;
import org.postgresml.proxy.pool.PoolMetrics;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;

/**
 * Times one client's queries and transactions for its pool's meters, with PgBouncer's meaning: a
 * query is a simple Query, a FunctionCall or an extended-protocol batch up to its Sync, ending at
 * its ReadyForQuery; a transaction runs from the first message after the connection was idle to
 * the ReadyForQuery that leaves it idle again. Which ReadyForQuery settles what is the session's
 * {@link Conversation}'s to say: it tells the clock. Runs on the client's event loop only.
 */
final class TrafficClock implements Conversation.Answers {

  private final PoolMetrics meters;
  private final LongSupplier nanoClock;
  private long queryStarted;
  private long transactionStarted;

  TrafficClock(PoolMetrics meters) {
    this(meters, System::nanoTime);
  }

  TrafficClock(PoolMetrics meters, LongSupplier nanoClock) {
    this.meters = meters;
    this.nanoClock = nanoClock;
  }

  /** A client frame on its way to the server (called before it is written). */
  void clientSent(int bytes) {
    meters.received(bytes);
    if (queryStarted != 0 && transactionStarted != 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    if (transactionStarted == 0) {
      transactionStarted = now;
    }
    if (queryStarted == 0) {
      queryStarted = now; // a batch's time starts at its first message, not at its Sync
    }
  }

  /** A server frame on its way to the client (called before it is written). */
  void serverSent(int bytes) {
    meters.sent(bytes);
  }

  /**
   * A ReadyForQuery settled a Query, FunctionCall or Sync.
   *
   * @param moreOwed another one sent behind it still awaits its ReadyForQuery (a pipeline)
   */
  @Override
  public void answered(TransactionStatus status, boolean moreOwed) {
    long now = nanoClock.getAsLong();
    meters.query(now - queryStarted);
    queryStarted = moreOwed ? now : 0; // a pipelined next query starts where this one ended
    if (status == TransactionStatus.IDLE) {
      meters.transaction(now - transactionStarted);
      transactionStarted = moreOwed ? now : 0; // a pipelined query opens the next one
    }
  }
}
