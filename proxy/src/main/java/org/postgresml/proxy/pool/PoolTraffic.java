package org.postgresml.proxy.pool;

import java.util.concurrent.atomic.LongAdder;

/**
 * The totals of one pool since start, as PgBouncer's {@code SHOW STATS} reports them: transactions,
 * queries, bytes each way and the time spent in transactions, queries and waiting for a server.
 * Sessions on many event loops add to it; readers get a {@link Totals} snapshot.
 */
public final class PoolTraffic {

  private final LongAdder transactions = new LongAdder();
  private final LongAdder queries = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder sent = new LongAdder();
  private final LongAdder transactionNanos = new LongAdder();
  private final LongAdder queryNanos = new LongAdder();
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
