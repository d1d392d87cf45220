package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;
import org.postgresml.proxy.config.PoolSettings;

/**
 * The state of one {@link Pool} behind its lock, and every decision made on it: which idle
 * connection a waiter gets, whether to open another, why a connection is kept or closed, which
 * waiters give up. Each step takes the time as an argument and returns the {@link PoolActions} it
 * decided (null when none); it starts no timer, completes no future and closes no socket, so the
 * rules are tested as plain calls. Not thread-safe: the pool calls it under its lock.
 */
final class PoolState<C extends PooledConnection> {

  /** Whether another connection may be opened now, and if not, why. */
  enum Open { YES, NOT_NEEDED, AT_CAP, BACKING_OFF }

  /** The pool's name, for the errors clients get. */
  private final String name;
  /** The open connections: idle, held, being checked. */
  private final OpenConnections<C> connections;
  /** Clients waiting for a connection, first come first served. */
  private final Waiters<C> waiters = new Waiters<>();
  /** PAUSE requests waiting for the last held connection to come back. */
  private final List<CompletableFuture<Void>> pauses = new ArrayList<>();
  /** Failures in a row and the last connect error: holds connects back, and tells waiters why. */
  private final ConnectBackoff backoff = new ConnectBackoff();
  /** Sizes and timers; replaced by a reload. */
  private PoolSettings settings;
  /** Connects started and not finished: counted against the size, so the cap holds while they log in. */
  private int connecting;
  /** When a client last acquired or released a connection (or the pool was made): for unused-pool removal. */
  private long lastClientNanos;
  /** PAUSE holds new acquisitions until RESUME. */
  private boolean paused;
  /** Closed for good: acquisitions fail, released connections close. */
  private boolean closed;
  /** What the current step decided; made on its first decision and handed out at the step's end. */
  private PoolActions<C> pending;

  PoolState(String name, PoolSettings settings, long nowNanos, DoubleSupplier random) {
    this.name = name;
    this.settings = settings;
    this.connections = new OpenConnections<>(random);
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
    if (closed || paused || !waiters.isEmpty()) {
      return null;
    }
    lastClientNanos = now;
    IdleConnections<C> idle = connections.idle();
    long idleCheck = settings.serverIdleCheck().toNanos();
    while (!idle.isEmpty()) {
      PoolEntry<C> entry = idle.takeFor(affinity);
      Verdict verdict = connections.beforeServing(entry, now, idleCheck);
      if (verdict == Verdict.KEEP) {
        connections.hand(entry);
        dispatch(now);
        return entry.connection;
      }
      checkOrRemove(entry, verdict);
    }
    return null;
  }

  /** What was decided since the last step handed its actions out (after {@link #takeAtOnce}); null when nothing. */
  PoolActions<C> decided() {
    return take();
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
      actions().closeStray(connection, CloseReason.DRAINED);
      return take();
    }
    Verdict verdict = releaseVerdict(entry, reusable, now);
    if (verdict.closes()) {
      remove(entry, verdict.closeReason);
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
    remove(entry, reason);
    return dispatchAndCompletePauses(now);
  }

  /** New sizes and timers: idle connections above the new size close, least recently used first. */
  PoolActions<C> updateSettings(PoolSettings newSettings, long now) {
    settings = newSettings;
    while (connections.open() > settings.size() && !connections.idle().isEmpty()) {
      remove(connections.idle().pollOldest(), CloseReason.POOL_SHRUNK);
    }
    return dispatched(now);
  }

  /** Retires the current generation: idle connections close now, held ones when released. */
  PoolActions<C> drain(long now) {
    connections.retire();
    removeAllIdle(CloseReason.DRAINED);
    return dispatched(now);
  }

  /** Holds new acquisitions; {@code quiet} completes once no connection is held. */
  PoolActions<C> pause(CompletableFuture<Void> quiet) {
    paused = true;
    pauses.add(quiet);
    completePausesIfQuiet();
    return take();
  }

  PoolActions<C> resume(long now) {
    paused = false;
    return dispatched(now);
  }

  /** Closes idle connections and fails every waiter; held ones close when released. Null when closed before. */
  PoolActions<C> close() {
    if (closed) {
      return null;
    }
    closed = true;
    connections.retire();
    removeAllIdle(CloseReason.SHUTDOWN);
    waiters.failAll(new PoolClosedException(name), actions());
    if (!pauses.isEmpty()) {
      actions().completePauses(pauses);
      pauses.clear();
    }
    return take();
  }

  /** A connect finished: the connection joins idle, or closes when the pool was drained or closed meanwhile. */
  PoolActions<C> connected(C connection, int connectGeneration, long now) {
    connecting--;
    backoff.succeeded();
    if (closed || connectGeneration != connections.generation()) {
      actions().closeStray(connection, closed ? CloseReason.SHUTDOWN : CloseReason.DRAINED);
    } else {
      connections.add(connection, now, settings);
    }
    return dispatched(now);
  }

  /** A connect failed: back-off grows; every waiter gets a permanent failure, those past the connect timeout another. */
  PoolActions<C> connectFailed(Throwable cause, boolean permanent, long now) {
    connecting--;
    backoff.failed(cause, now);
    if (permanent) {
      waiters.failAll(cause, actions());
    } else {
      failWaitersPastConnectTimeout(now);
    }
    return dispatched(now);
  }

  /**
   * The back-off retry is due: connect again; clients past the connect timeout give up. It stays
   * pending until {@link #retryFinished}: a connect failing at once inside it schedules no second one.
   */
  PoolActions<C> retryDue(long now) {
    dispatch(now);
    failWaitersPastConnectTimeout(now);
    return take();
  }

  /** The retry's step and what it decided were carried out: back-off may schedule the next one. */
  void retryFinished() {
    backoff.retryFinished();
  }

  /** A health check finished; {@code healthy} false when it failed, got no answer or threw. */
  PoolActions<C> checked(PoolEntry<C> entry, boolean healthy, long now) {
    connections.checkFinished();
    if (entry.state != PoolEntry.State.CLOSED) { // else discarded while its check ran
      Verdict verdict = checkVerdict(entry, healthy);
      if (verdict.closes()) {
        remove(entry, verdict.closeReason);
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
        checkOrRemove(entry, verdict);
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
    int open = connections.open();
    if (open >= settings.size()) {
      return new PoolExhaustedException(name, settings.size(), waited);
    }
    return backoff.lastFailure().orElseGet(() -> new ConnectPendingException(name, waited, open, connecting));
  }

  /** Whether to open another connection now: for a waiter or the warm minimum, under the cap, past back-off. */
  Open openAnother(long now) {
    int open = connections.open();
    int wanted = Math.max(paused ? 0 : waiters.size() - connections.checking(), settings.minSize() - open);
    if (connecting >= wanted) {
      return Open.NOT_NEEDED;
    }
    if (open + connecting >= settings.size()) {
      return Open.AT_CAP;
    }
    return backoff.remainingNanos(now) > 0 ? Open.BACKING_OFF : Open.YES;
  }

  /** No client holds or waits for a connection, and none has acquired or released one for {@code quiet}. */
  boolean isUnused(Duration quiet, long now) {
    return connections.held() == 0 && waiters.isEmpty() && now - lastClientNanos >= quiet.toNanos();
  }

  PoolStats stats(long now) {
    IdleConnections<C> idle = connections.idle();
    return new PoolStats(connections.held(), idle.size(), idle.dueForCheck(now, settings.serverIdleCheck().toNanos()),
        connections.checking(), connecting, waiters.size(), waiters.longestWaitMicros(now), paused);
  }

  // Hands idle connections to waiters in order (closing gone ones, checking stale ones first), then
  // opens connections while waiters or the warm minimum need them and the cap and back-off allow.
  private void dispatch(long now) {
    if (closed) {
      return;
    }
    IdleConnections<C> idle = connections.idle();
    long idleCheck = settings.serverIdleCheck().toNanos();
    while (!paused && !waiters.isEmpty() && !idle.isEmpty()) {
      PoolEntry<C> entry = idle.takeFor(waiters.first().affinity);
      Verdict verdict = connections.beforeServing(entry, now, idleCheck);
      if (verdict != Verdict.KEEP) {
        checkOrRemove(entry, verdict);
      } else {
        PoolWaiter<C> waiter = waiters.pollFirst();
        waiter.served = true;
        waiter.connection = entry.connection;
        waiter.waitedNanos = now - waiter.sinceNanos;
        connections.hand(entry);
        actions().serve(waiter);
      }
    }
    for (Open open = openAnother(now); open == Open.YES || open == Open.BACKING_OFF; open = openAnother(now)) {
      if (open == Open.BACKING_OFF) {
        long delay = backoff.claimRetry(now);
        if (delay > 0) {
          actions().retryAfter(delay);
        }
        break;
      }
      // A new connection opens where the waiter it will most likely serve lives.
      Object affinity = waiters.affinityAt(connecting + connections.checking());
      connecting++;
      actions().connect(affinity, connections.generation(), now);
    }
  }

  private PoolActions<C> dispatched(long now) {
    dispatch(now);
    return take();
  }

  private PoolActions<C> dispatchAndCompletePauses(long now) {
    dispatch(now);
    completePausesIfQuiet();
    return take();
  }

  // Clients that have waited past the connect timeout while the upstream keeps refusing get its error.
  private void failWaitersPastConnectTimeout(long now) {
    long limit = settings.serverConnectTimeout().toNanos();
    // The first waiter waited longest: unless it is past the limit, none is (and nothing is decided).
    if (backoff.lastFailure().isPresent() && connections.idle().isEmpty() && !waiters.isEmpty()
        && now - waiters.first().sinceNanos >= limit) {
      waiters.failWaitedPast(limit, now, backoff.lastFailure().get(), actions());
    }
  }

  // An idle connection taken out of the idle list that must not serve as it is.
  private void checkOrRemove(PoolEntry<C> entry, Verdict verdict) {
    if (verdict == Verdict.CHECK) {
      connections.startCheck(entry);
      actions().check(entry, settings.serverConnectTimeout().toNanos());
    } else {
      remove(entry, verdict.closeReason);
    }
  }

  private void removeAllIdle(CloseReason reason) {
    while (!connections.idle().isEmpty()) {
      remove(connections.idle().pollNewest(), reason);
    }
  }

  private void remove(PoolEntry<C> entry, CloseReason reason) {
    connections.remove(entry, reason);
    actions().close(entry);
  }

  private void completePausesIfQuiet() {
    if (paused && connections.held() == 0 && !pauses.isEmpty()) {
      actions().completePauses(pauses);
      pauses.clear();
    }
  }

  private PoolActions<C> actions() {
    if (pending == null) {
      pending = new PoolActions<>();
    }
    return pending;
  }

  private PoolActions<C> take() {
    PoolActions<C> decided = pending;
    pending = null;
    return decided;
  }
}
