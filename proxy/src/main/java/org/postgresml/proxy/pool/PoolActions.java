package org.postgresml.proxy.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What one locked step of a {@link PoolState} decided and the {@link Pool} carries out after it
 * released its lock, so that no client continuation, socket close or connect runs under the lock.
 * A step that decides nothing makes none (the common release); lists are made on first use.
 */
final class PoolActions<C extends PooledConnection> {

  /** Waiters handed a connection, in queue order (linked through {@link PoolWaiter#next}). */
  PoolWaiter<C> firstServed;
  /** The tail of the served list, so each waiter is appended in queue order without a walk. */
  private PoolWaiter<C> lastServed;
  /** Waiters that get an error instead (linked through {@link PoolWaiter#next}). */
  PoolWaiter<C> firstFailed;
  /** The tail of the failed list, likewise. */
  private PoolWaiter<C> lastFailed;
  /** Connections the pool let go, each closing for its {@link PoolEntry#closeReason}. */
  List<PoolEntry<C>> closes;
  /**
   * A connection the pool does not hold (released after it was discarded, or one that finished its
   * login after a drain or close) to close as {@link #strayReason}, without the closed-connections
   * metric: it was counted when the pool let it go, or never joined.
   */
  C stray;
  /** Why {@link #stray} closes (drained, or the pool shut down). */
  CloseReason strayReason;
  /** Idle connections to health-check before they serve again. */
  List<PoolEntry<C>> checks;
  /** How long a health check may go unanswered (server_connect_timeout when it was decided). */
  long checkLimitNanos;
  /** One element per connection to open: where its client lives (null: a warm one). */
  List<Object> connects;
  /** The pool's generation the connects belong to: one finished after a drain is not kept. */
  int connectGeneration;
  /** When the connects were decided, for the connect-time metric. */
  long connectsStartedNanos;
  /** Back-off holds the connects: dispatch again after this long (0: no retry to schedule). */
  long retryAfterNanos;
  /** PAUSE requests now complete: no connection is held any more. */
  List<CompletableFuture<Void>> quietPauses;

  void serve(PoolWaiter<C> waiter) {
    waiter.next = null;
    if (lastServed == null) {
      firstServed = waiter;
    } else {
      lastServed.next = waiter;
    }
    lastServed = waiter;
  }

  void fail(PoolWaiter<C> waiter) {
    waiter.next = null;
    if (lastFailed == null) {
      firstFailed = waiter;
    } else {
      lastFailed.next = waiter;
    }
    lastFailed = waiter;
  }

  void close(PoolEntry<C> entry) {
    if (closes == null) {
      closes = new ArrayList<>(4);
    }
    closes.add(entry);
  }

  void closeStray(C connection, CloseReason reason) {
    stray = connection;
    strayReason = reason;
  }

  void check(PoolEntry<C> entry, long limitNanos) {
    if (checks == null) {
      checks = new ArrayList<>(2);
    }
    checks.add(entry);
    checkLimitNanos = limitNanos;
  }

  void connect(Object affinity, int generation, long nowNanos) {
    if (connects == null) {
      connects = new ArrayList<>(2);
    }
    connects.add(affinity);
    connectGeneration = generation;
    connectsStartedNanos = nowNanos;
  }

  void retryAfter(long delayNanos) {
    retryAfterNanos = delayNanos;
  }

  void completePauses(List<CompletableFuture<Void>> pauses) {
    if (quietPauses == null) {
      quietPauses = new ArrayList<>(pauses.size());
    }
    quietPauses.addAll(pauses);
  }

  int closeCount() {
    return closes == null ? 0 : closes.size();
  }

  int checkCount() {
    return checks == null ? 0 : checks.size();
  }

  int connectCount() {
    return connects == null ? 0 : connects.size();
  }
}
