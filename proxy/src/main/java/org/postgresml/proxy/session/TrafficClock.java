package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import java.util.function.LongSupplier;
import org.postgresml.proxy.observe.PoolMetrics;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;

/**
 * Times one client's queries and transactions for its pool's meters, with PgBouncer's meaning: a
 * query is a simple Query or an extended-protocol batch up to its Sync, ending at its ReadyForQuery;
 * a transaction runs from the first message after the connection was idle to the ReadyForQuery
 * that leaves it idle again. Runs on the client's event loop only.
 */
final class TrafficClock {

  private final PoolMetrics meters;
  private final LongSupplier nanoClock;
  /** Query and Sync messages sent whose ReadyForQuery has not come back yet. */
  private int awaitingReady;
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
  void clientSent(byte type, int bytes) {
    meters.received(bytes);
    long now = nanoClock.getAsLong();
    if (transactionStarted == 0) {
      transactionStarted = now;
    }
    if (queryStarted == 0) {
      queryStarted = now; // a batch's time starts at its first message, not at its Sync
    }
    if (type == MessageType.QUERY || type == MessageType.SYNC) {
      awaitingReady++;
    }
  }

  /** A server frame on its way to the client (called before it is written). */
  void serverSent(ByteBuf frame) {
    meters.sent(frame.readableBytes());
    if (FrameDecoder.type(frame) != MessageType.READY_FOR_QUERY || awaitingReady == 0) {
      return;
    }
    long now = nanoClock.getAsLong();
    awaitingReady--;
    meters.query(now - queryStarted);
    queryStarted = awaitingReady > 0 ? now : 0; // a pipelined next query starts where this one ended
    if (ReadyForQuery.decode(Codec.body(frame)).status() == TransactionStatus.IDLE) {
      meters.transaction(now - transactionStarted);
      transactionStarted = awaitingReady > 0 ? now : 0; // a pipelined query opens the next one
    }
  }
}
