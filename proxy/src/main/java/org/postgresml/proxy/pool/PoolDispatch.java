package org.postgresml.proxy.pool;

import org.postgresml.proxy.config.PoolSettings;

/**
 * The rule a {@link PoolState} runs at the end of every step: idle connections go to the waiters in
 * queue order, each to the most recently released one on its own event loop; then connections open
 * while waiters or the warm minimum need them and the size and back-off allow. It writes what it
 * decides into the step's {@link PoolActions} and carries none of it out. Part of the state, so
 * guarded by the pool's lock.
 */
final class PoolDispatch<C extends PooledConnection> {

  /** The open connections: idle ones are handed out, rejected ones checked or closed. */
  private final OpenConnections<C> connections;
  /** The queue served in order. */
  private final Waiters<C> waiters;
  /** Connects under way and the back-off: whether to open another. */
  private final ConnectDemand demand;
  /** What the current step decided; made on its first decision (most steps decide nothing) and handed out at its end. */
  private PoolActions<C> pending;

  PoolDispatch(OpenConnections<C> connections, Waiters<C> waiters, ConnectDemand demand) {
    this.connections = connections;
    this.waiters = waiters;
    this.demand = demand;
  }

  /** Serves the waiters from idle connections (none while paused), then opens what is still needed. */
  void run(long now, PoolSettings settings, boolean paused) {
    while (!paused && !waiters.isEmpty()) {
      PoolEntry<C> entry = takeIdle(waiters.first().affinity, now, settings);
      if (entry == null) {
        break;
      }
      PoolWaiter<C> waiter = waiters.pollFirst();
      waiter.served = true;
      waiter.connection = entry.connection;
      waiter.waitedNanos = now - waiter.sinceNanos;
      actions().serve(waiter);
    }
    for (ConnectDemand.Open open = openAnother(now, settings, paused);
        open == ConnectDemand.Open.YES || open == ConnectDemand.Open.BACKING_OFF;
        open = openAnother(now, settings, paused)) {
      if (open == ConnectDemand.Open.BACKING_OFF) {
        long delay = demand.claimRetry(now);
        if (delay > 0) {
          actions().retryAfter(delay);
        }
        break;
      }
      // A new connection opens where the waiter it will most likely serve lives.
      Object affinity = waiters.affinityAt(demand.connecting() + connections.checking());
      demand.started();
      actions().connect(affinity, connections.generation(), now);
    }
  }

  /**
   * Which idle connection a client living at {@code affinity} gets, now handed to it: the most
   * recently released one there, else the most recent. One whose socket closed is closed on the way,
   * one idle past server_idle_check goes to be health-checked, and the next is looked at. Null when
   * none is left.
   */
  PoolEntry<C> takeIdle(Object affinity, long now, PoolSettings settings) {
    IdleConnections<C> idle = connections.idle();
    long idleCheck = settings.serverIdleCheck().toNanos();
    while (!idle.isEmpty()) {
      PoolEntry<C> entry = idle.takeFor(affinity);
      Verdict verdict = connections.beforeServing(entry, now, idleCheck);
      if (verdict == Verdict.KEEP) {
        connections.hand(entry);
        return entry;
      }
      checkOrRemove(entry, verdict, settings);
    }
    return null;
  }

  ConnectDemand.Open openAnother(long now, PoolSettings settings, boolean paused) {
    return demand.openAnother(connections.open(), connections.checking(), waiters.size(), paused, settings, now);
  }

  /** Clients that have waited past the connect timeout while the upstream keeps refusing get its error. */
  void failWaitersPastConnectTimeout(long now, PoolSettings settings) {
    long limit = settings.serverConnectTimeout().toNanos();
    // The first waiter waited longest: unless it is past the limit, none is (and nothing is decided).
    if (demand.lastFailure().isPresent() && connections.idle().isEmpty() && !waiters.isEmpty()
        && now - waiters.first().sinceNanos >= limit) {
      waiters.failWaitedPast(limit, now, demand.lastFailure().get(), actions());
    }
  }

  /** An idle connection taken out of the idle list that must not serve as it is: checked, or closed. */
  void checkOrRemove(PoolEntry<C> entry, Verdict verdict, PoolSettings settings) {
    if (verdict == Verdict.CHECK) {
      connections.startCheck(entry);
      actions().check(entry, settings.serverConnectTimeout().toNanos());
    } else {
      remove(entry, verdict.closeReason);
    }
  }

  /** Every idle connection closes for {@code reason} (drain, close). */
  void removeAllIdle(CloseReason reason) {
    while (!connections.idle().isEmpty()) {
      remove(connections.idle().pollNewest(), reason);
    }
  }

  /** The pool lets a connection go (already out of the idle list); it closes after the lock is released. */
  void remove(PoolEntry<C> entry, CloseReason reason) {
    connections.remove(entry, reason);
    actions().close(entry);
  }

  /** The current step's actions, made on its first decision. */
  PoolActions<C> actions() {
    if (pending == null) {
      pending = new PoolActions<>();
    }
    return pending;
  }

  /** What the step decided (null: nothing), handed out; the next step starts afresh. */
  PoolActions<C> take() {
    PoolActions<C> decided = pending;
    pending = null;
    return decided;
  }
}
