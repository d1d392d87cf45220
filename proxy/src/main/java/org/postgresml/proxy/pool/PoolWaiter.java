package org.postgresml.proxy.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** A client waiting for a connection, first come first served; guarded by the pool's lock. */
final class PoolWaiter<C> {

  /** What the client waits on; completed only after the pool's lock is released. */
  final CompletableFuture<C> future;
  /** When it started waiting: its wait time, the queue's longest wait, the connect-timeout rule. */
  final long sinceNanos;
  /** Where the client lives (its event loop): a connection there is preferred, and new ones open there. */
  final Object affinity;
  /** Its query_wait_timeout; set only when it had to wait, cancelled once it is served or failed. */
  ScheduledFuture<?> timeout;
  /** Handed a connection; a served waiter needs no timeout. */
  boolean served;
  /** The connection it was handed, for the pool to complete {@link #future} with after unlocking. */
  C connection;
  /** How long it waited until it was handed one, for the wait-time metric. */
  long waitedNanos;
  /** Why it gets no connection, for the pool to fail {@link #future} with after unlocking. */
  Throwable failure;
  /**
   * The next waiter a locked step decided about (in {@link PoolActions}): a waiter leaves the queue
   * once, so one link lists the served or failed ones without allocating on every acquire.
   */
  PoolWaiter<C> next;

  PoolWaiter(CompletableFuture<C> future, long sinceNanos, Object affinity) {
    this.future = future;
    this.sinceNanos = sinceNanos;
    this.affinity = affinity;
  }

  void cancelTimeout() {
    if (timeout != null) {
      timeout.cancel(false);
    }
  }
}
