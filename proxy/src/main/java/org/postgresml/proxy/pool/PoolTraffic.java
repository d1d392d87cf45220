package org.postgresml.proxy.pool;

import java.util.concurrent.atomic.LongAdder;

/**
 * The totals of one pool since start, as PgBouncer's {@code SHOW STATS} reports them: transactions,
 * queries, bytes each way and the time spent in transactions, queries and waiting for a server.
 * Sessions on many event loops add to it; readers get a {@link Totals} snapshot.
 */
public final class PoolTraffic {

  // LongAdders: sessions on every event loop add at once, and SHOW STATS reads rarely.
  /** Transactions finished (SHOW STATS total_xact_count). */
  private final LongAdder transactions = new LongAdder();
  /** Queries finished (total_query_count). */
  private final LongAdder queries = new LongAdder();
  /** Bytes clients sent their servers (total_received). */
  private final LongAdder received = new LongAdder();
  /** Bytes servers sent their clients (total_sent). */
  private final LongAdder sent = new LongAdder();
  /** Time spent in transactions (total_xact_time). */
  private final LongAdder transactionNanos = new LongAdder();
  /** Time spent in queries (total_query_time). */
  private final LongAdder queryNanos = new LongAdder();
  /** Time clients waited for a server connection (total_wait_time). */
  private final LongAdder waitNanos = new LongAdder();

  /** Times in microseconds, PgBouncer's unit. */
  public record Totals(long transactions, long queries, long bytesReceived, long bytesSent, long transactionMicros,
      long queryMicros, long waitMicros) {

    public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0);

    public Totals plus(Totals other) {
      return new Totals(transactions + other.transactions, queries + other.queries,
          bytesReceived + other.bytesReceived, bytesSent + other.bytesSent,
          transactionMicros + other.transactionMicros, queryMicros + other.queryMicros,
          waitMicros + other.waitMicros);
    }
  }

  void transaction(long nanos) {
    transactions.increment();
    transactionNanos.add(nanos);
  }

  void query(long nanos) {
    queries.increment();
    queryNanos.add(nanos);
  }

  void received(long bytes) {
    received.add(bytes);
  }

  void sent(long bytes) {
    sent.add(bytes);
  }

  void waited(long nanos) {
    waitNanos.add(nanos);
  }

  public Totals totals() {
    return new Totals(transactions.sum(), queries.sum(), received.sum(), sent.sum(), transactionNanos.sum() / 1000,
        queryNanos.sum() / 1000, waitNanos.sum() / 1000);
  }
}
