package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import org.postgresml.proxy.config.PoolSettings;

/**
 * The state of one {@link Pool} behind its lock, and the steps taken on it. Each step takes the time
 * as an argument and returns the {@link PoolActions} it decided (null when none); it starts no timer,
 * completes no future and closes no socket, so the rules are tested as plain calls. The rules live in
 * its parts: which idle connection a waiter gets and when another opens ({@link PoolDispatch},
 * {@link ConnectDemand}), why a connection is kept or closed ({@link OpenConnections}, {@link
 * PoolMaintenance#idleVerdict}), drain generations ({@link OpenConnections#retire}), PAUSE ({@link
 * PauseGate}). Not thread-safe: the pool calls it under its lock.
 */
final class PoolState<C extends PooledConnection> {

  /** The pool's name, for the errors clients get. */
  private final String name;
  /** The open connections: idle, held, being checked. */
  private final OpenConnections<C> connections;
  /** Clients waiting for a connection, first come first served. */
  private final Waiters<C> waiters = new Waiters<>();
  /** Connects under way and the back-off after failed ones. */
  private final ConnectDemand demand = new ConnectDemand();
  /** PAUSE: holds new acquisitions, and the requests waiting for the last held connection. */
  private final PauseGate pause = new PauseGate();
  /** The rule run after every step (waiters served, connects decided), and the step's actions. */
  private final PoolDispatch<C> dispatch;
  /** Sizes and timers; replaced by a reload. */
  private PoolSettings settings;
  /** When a client last acquired or released a connection (or the pool was made): for unused-pool removal. */
  private long lastClientNanos;
  /** Closed for good: acquisitions fail, released connections close. */
  private boolean closed;

  PoolState(String name, PoolSettings settings, long nowNanos, DoubleSupplier random) {
    this.name = name;
    this.settings = settings;
    this.connections = new OpenConnections<>(random);
    this.dispatch = new PoolDispatch<>(connections, waiters, demand);
    this.lastClientNanos = nowNanos;
  }

  PoolSettings settings() {
    return settings;
  }

  boolean isClosed() {
    return closed;
  }

  /** Opens the warm minimum. */
  PoolActions<C> start(long now) {
    return dispatched(now);
  }

  /**
   * The per-transaction fast path: the connection a client gets at once, or null when it has to
   * queue ({@link #acquire}, in the same lock hold). It is the decision {@link #acquire} would make
   * for a waiter at the head of an empty queue, without making the waiter: gone idle connections
   * close and stale ones go to be checked on the way, and what else is decided (a connect for the warm
   * minimum) is left for {@link #decided()}.
   */
  C takeAtOnce(Object affinity, long now) {
    if (closed || pause.isPaused() || !waiters.isEmpty()) {
      return null;
    }
    lastClientNanos = now;
    PoolEntry<C> entry = dispatch.takeIdle(affinity, now, settings);
    if (entry == null) {
      return null;
    }
    dispatch.run(now, settings, false);
    return entry.connection;
  }

  /** What was decided since the last step handed its actions out (after {@link #takeAtOnce}); null when nothing. */
  PoolActions<C> decided() {
    return dispatch.take();
  }

  /** A client asks for a connection; {@code waiter.served} says whether it got one at once. */
  PoolActions<C> acquire(PoolWaiter<C> waiter, long now) {
    lastClientNanos = now;
    waiters.add(waiter);
    return dispatched(now);
  }

  /** A client gives a connection back, clean or not ({@link OpenConnections#onRelease}); one discarded while held closes. */
  PoolActions<C> release(C connection, boolean reusable, long now) {
    lastClientNanos = now;
    PoolEntry<C> entry = connections.find(connection);
    if (entry == null || entry.state != PoolEntry.State.ACTIVE) {
      dispatch.actions().closeStray(connection, CloseReason.DRAINED);
      return dispatch.take();
    }
    Verdict verdict = releaseVerdict(entry, reusable, now);
    if (verdict.closes()) {
      dispatch.remove(entry, verdict.closeReason);
    } else {
      connections.makeIdle(entry, now);
    }
    return dispatchAndCompletePauses(now);
  }

  /** Why a connection a client holds is kept or closed when it comes back now. */
  Verdict releaseVerdict(PoolEntry<C> entry, boolean reusable, long now) {
    return connections.onRelease(entry, reusable, now, closed, settings.size());
  }

  /** Why a connection back from a health check is kept or closed. */
  Verdict checkVerdict(PoolEntry<C> entry, boolean healthy) {
    return connections.afterCheck(entry, healthy, closed);
  }

  OpenConnections<C> connections() {
    return connections;
  }

  /** A connection that died or must not be used again, held, idle or being checked. */
  PoolActions<C> discard(C connection, CloseReason reason, long now) {
    PoolEntry<C> entry = connections.find(connection);
    if (entry == null) {
      return null;
    }
    if (entry.state == PoolEntry.State.IDLE) {
      connections.idle().remove(entry);
    }
    dispatch.remove(entry, reason);
    return dispatchAndCompletePauses(now);
  }

  /** New sizes and timers: idle connections above the new size close, least recently used first. */
  PoolActions<C> updateSettings(PoolSettings newSettings, long now) {
    settings = newSettings;
    while (connections.open() > settings.size() && !connections.idle().isEmpty()) {
      dispatch.remove(connections.idle().pollOldest(), CloseReason.POOL_SHRUNK);
    }
    return dispatched(now);
  }

  /** Retires the current generation: idle connections close now, held ones when released. */
  PoolActions<C> drain(long now) {
    connections.retire();
    dispatch.removeAllIdle(CloseReason.DRAINED);
    return dispatched(now);
  }

  /** Holds new acquisitions; {@code quiet} completes once no connection is held. */
  PoolActions<C> pause(CompletableFuture<Void> quiet) {
    pause.pause(quiet);
    completePausesIfQuiet();
    return dispatch.take();
  }

  PoolActions<C> resume(long now) {
    pause.resume();
    return dispatched(now);
  }

  /** Closes idle connections and fails every waiter; held ones close when released. Null when closed before. */
  PoolActions<C> close() {
    if (closed) {
      return null;
    }
    closed = true;
    connections.retire();
    dispatch.removeAllIdle(CloseReason.SHUTDOWN);
    waiters.failAll(new PoolClosedException(name), dispatch.actions());
    List<CompletableFuture<Void>> waiting = pause.takeAll();
    if (waiting != null) {
      dispatch.actions().completePauses(waiting);
    }
    return dispatch.take();
  }

  /** A connect finished: the connection joins idle, or closes when the pool was drained or closed meanwhile. */
  PoolActions<C> connected(C connection, int connectGeneration, long now) {
    demand.succeeded();
    if (closed || connectGeneration != connections.generation()) {
      dispatch.actions().closeStray(connection, closed ? CloseReason.SHUTDOWN : CloseReason.DRAINED);
    } else {
      connections.add(connection, now, settings);
    }
    return dispatched(now);
  }

  /** A connect failed: back-off grows; every waiter gets a permanent failure, those past the connect timeout another. */
  PoolActions<C> connectFailed(Throwable cause, boolean permanent, long now) {
    demand.failed(cause, now);
    if (permanent) {
      waiters.failAll(cause, dispatch.actions());
    } else {
      dispatch.failWaitersPastConnectTimeout(now, settings);
    }
    return dispatched(now);
  }

  /**
   * The back-off retry is due: connect again; clients past the connect timeout give up. It stays
   * pending until {@link #retryFinished}: a connect failing at once inside it schedules no second one.
   */
  PoolActions<C> retryDue(long now) {
    runDispatch(now);
    dispatch.failWaitersPastConnectTimeout(now, settings);
    return dispatch.take();
  }

  /** The retry's step and what it decided were carried out: back-off may schedule the next one. */
  void retryFinished() {
    demand.retryFinished();
  }

  /** A health check finished; {@code healthy} false when it failed, got no answer or threw. */
  PoolActions<C> checked(PoolEntry<C> entry, boolean healthy, long now) {
    connections.checkFinished();
    if (entry.state != PoolEntry.State.CLOSED) { // else discarded while its check ran
      Verdict verdict = checkVerdict(entry, healthy);
      if (verdict.closes()) {
        dispatch.remove(entry, verdict.closeReason);
      } else {
        connections.makeIdle(entry, now);
      }
    }
    return dispatchAndCompletePauses(now);
  }

  /** A maintenance round: {@link PoolMaintenance#idleVerdict} for each idle one, oldest first; then refill. */
  PoolActions<C> sweep(long now) {
    if (closed) {
      return null;
    }
    for (Iterator<PoolEntry<C>> it = connections.idle().oldestFirst(); it.hasNext(); ) {
      PoolEntry<C> entry = it.next();
      boolean aboveMinimum = connections.open() > settings.minSize();
      Verdict verdict = PoolMaintenance.idleVerdict(entry, now, settings, aboveMinimum);
      if (verdict != Verdict.KEEP) {
        it.remove();
        dispatch.checkOrRemove(entry, verdict, settings);
      }
    }
    return dispatched(now);
  }

  /** A waiter's query_wait_timeout fired: false when it was served or failed in the meantime. */
  boolean expire(PoolWaiter<C> waiter) {
    return waiters.remove(waiter);
  }

  /** What is true when a client waited in vain: all in use, or the last connect error, or none answered yet. */
  Throwable whyNoConnection(Duration waited) {
    return demand.whyNoConnection(name, connections.open(), settings.size(), waited);
  }

  /** Whether to open another connection now: for a waiter or the warm minimum, under the cap, past back-off. */
  ConnectDemand.Open openAnother(long now) {
    return dispatch.openAnother(now, settings, pause.isPaused());
  }

  /** No client holds or waits for a connection, and none has acquired or released one for {@code quiet}. */
  boolean isUnused(Duration quiet, long now) {
    return connections.held() == 0 && waiters.isEmpty() && now - lastClientNanos >= quiet.toNanos();
  }

  PoolStats stats(long now) {
    IdleConnections<C> idle = connections.idle();
    return new PoolStats(connections.held(), idle.size(), idle.dueForCheck(now, settings.serverIdleCheck().toNanos()),
        connections.checking(), demand.connecting(), waiters.size(), waiters.longestWaitMicros(now), pause.isPaused());
  }

  // The rule after every step, unless the pool is closed: nothing is handed out or opened any more.
  private void runDispatch(long now) {
    if (!closed) {
      dispatch.run(now, settings, pause.isPaused());
    }
  }

  private PoolActions<C> dispatched(long now) {
    runDispatch(now);
    return dispatch.take();
  }

  private PoolActions<C> dispatchAndCompletePauses(long now) {
    runDispatch(now);
    completePausesIfQuiet();
    return dispatch.take();
  }

  private void completePausesIfQuiet() {
    List<CompletableFuture<Void>> quiet = pause.quietAt(connections.held());
    if (quiet != null) {
      dispatch.actions().completePauses(quiet);
    }
  }
}
