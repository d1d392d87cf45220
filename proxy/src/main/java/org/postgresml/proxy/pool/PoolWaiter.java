package org.postgresml.proxy.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/** A client waiting for a connection, first come first served; guarded by the pool's lock. */
final class PoolWaiter<C> {

  final CompletableFuture<C> future;
  final long sinceNanos;
  /** Where the client lives (its event loop): a connection there is preferred, and new ones open there. */
  final Object affinity;
  ScheduledFuture<?> timeout;
  /** Handed a connection; a served waiter needs no timeout. */
  boolean served;

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
