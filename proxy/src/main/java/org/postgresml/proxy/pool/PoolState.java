package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.DoubleSupplier;

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
  /** Where each connection's jitter comes from (a uniform draw in [0, 1)); fixed in tests. */
  private final DoubleSupplier random;
  /** Every open connection (idle, held, being checked), by identity: release and discard find theirs here. */
  private final Map<C, PoolEntry<C>> entries = new IdentityHashMap<>();
  /** Idle connections, most recently released first: reused first, so under light load the rest idle out. */
  private final ArrayDeque<PoolEntry<C>> idle = new ArrayDeque<>();
  /** Clients waiting for a connection, first come first served. */
  private final ArrayDeque<PoolWaiter<C>> waiters = new ArrayDeque<>();
  /** PAUSE requests waiting for the last held connection to come back. */
  private final List<CompletableFuture<Void>> pauses = new ArrayList<>();
  /** Failures in a row and the last connect error: holds connects back, and tells waiters why. */
  private final ConnectBackoff backoff = new ConnectBackoff();
  /** Sizes and timers; replaced by a reload. */
  private PoolSettings settings;
  /** Connects started and not finished: counted against the size, so the cap holds while they log in. */
  private int connecting;
  /** Idle connections out for a health check: neither idle nor held, and each may serve a waiter soon. */
  private int checking;
  /** Bumped by drain and close: a connection of an older generation is retired, not reused. */
  private int generation;
  /** When a client last acquired or released a connection (or the pool was made): for unused-pool removal. */
  private long lastClientNanos;
  /** PAUSE holds new acquisitions until RESUME. */
  private boolean paused;
  /** Closed for good: acquisitions fail, released connections close. */
  private boolean closed;
  /** A back-off retry is scheduled and has not finished running: back-off asks for one at a time. */
  private boolean retryPending;
  /** What the current step decided; made on its first decision and handed out at the step's end. */
  private PoolActions<C> pending;

  PoolState(String name, PoolSettings settings, long nowNanos, DoubleSupplier random) {
    this.name = name;
    this.settings = settings;
    this.random = random;
    this.lastClientNanos = nowNanos;
  }

  PoolSettings settings() {
    return settings;
  }

  boolean isClosed() {
    return closed;
  }

  /** The first step: opens the warm minimum. */
  PoolActions<C> start(long now) {
    dispatch(now);
    return take();
  }

  /** A client asks for a connection; {@code waiter.served} says whether it got one at once. */
  PoolActions<C> acquire(PoolWaiter<C> waiter, long now) {
    lastClientNanos = now;
    waiters.addLast(waiter);
    dispatch(now);
    return take();
  }

  /**
   * A client gives a connection back; {@code reusable} is its word that it left it clean. Kept
   * idle (or handed on) or closed by {@link #releaseVerdict}; one this pool no longer holds (drained
   * and closed, or never its own) closes as drained.
   */
  PoolActions<C> release(C connection, boolean reusable, long now) {
    lastClientNanos = now;
    PoolEntry<C> entry = entries.get(connection);
    if (entry == null || entry.state != PoolEntry.State.ACTIVE) {
      actions().closeStray(connection, CloseReason.DRAINED);
      return take();
    }
    Verdict verdict = releaseVerdict(entry, reusable, now);
    if (verdict.closes()) {
      remove(entry, verdict.closeReason);
    } else {
      entry.state = PoolEntry.State.IDLE;
      entry.lastUsedNanos = now;
      idle.addFirst(entry);
    }
    dispatch(now);
    completePausesIfQuiet();
    return take();
  }

  /** Why a released connection is kept or closed; the first rule that applies wins. */
  Verdict releaseVerdict(PoolEntry<C> entry, boolean reusable, long now) {
    if (!reusable || !entry.connection.isUsable()) {
      return Verdict.DIRTY;
    }
    if (closed || entry.generation != generation) {
      return Verdict.DRAINED;
    }
    if (entry.isPastLifetime(now)) {
      return Verdict.LIFETIME;
    }
    return entries.size() > settings.size() ? Verdict.POOL_SHRUNK : Verdict.KEEP;
  }

  /** A connection that died or must not be used again, held, idle or being checked. */
  PoolActions<C> discard(C connection, CloseReason reason, long now) {
    PoolEntry<C> entry = entries.get(connection);
    if (entry == null) {
      return null;
    }
    if (entry.state == PoolEntry.State.IDLE) {
      idle.remove(entry);
    }
    remove(entry, reason);
    dispatch(now);
    completePausesIfQuiet();
    return take();
  }

  /** New sizes and timers: idle connections above the new size close, least recently used first. */
  PoolActions<C> updateSettings(PoolSettings newSettings, long now) {
    settings = newSettings;
    while (entries.size() > settings.size() && !idle.isEmpty()) {
      remove(idle.pollLast(), CloseReason.POOL_SHRUNK);
    }
    dispatch(now);
    return take();
  }

  /** Retires the current generation: idle connections close now, held ones when released. */
  PoolActions<C> drain(long now) {
    generation++;
    while (!idle.isEmpty()) {
      remove(idle.pollFirst(), CloseReason.DRAINED);
    }
    dispatch(now);
    return take();
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
    dispatch(now);
    return take();
  }

  /** Closes idle connections and fails every waiter; held ones close when released. */
  PoolActions<C> close() {
    if (closed) {
      return null;
    }
    closed = true;
    generation++;
    while (!idle.isEmpty()) {
      remove(idle.pollFirst(), CloseReason.SHUTDOWN);
    }
    failAllWaiters(new PoolClosedException(name));
    if (!pauses.isEmpty()) {
      actions().completePauses(pauses);
      pauses.clear();
    }
    return take();
  }

  /**
   * A connect finished: the connection joins the pool idle (and serves the first waiter), or closes
   * when it arrived too late (the pool was drained or closed while it logged in).
   */
  PoolActions<C> connected(C connection, int connectGeneration, long now) {
    connecting--;
    backoff.succeeded();
    if (closed || connectGeneration != generation) {
      actions().closeStray(connection, closed ? CloseReason.SHUTDOWN : CloseReason.DRAINED);
    } else {
      PoolEntry<C> entry = new PoolEntry<>(connection, now, lifetimeNanos(), generation);
      entries.put(connection, entry);
      idle.addFirst(entry);
    }
    dispatch(now);
    return take();
  }

  /** server_lifetime less a random share of up to lifetime_jitter, drawn per connection. */
  long lifetimeNanos() {
    double jitter = settings.lifetimeJitter() * random.getAsDouble();
    return (long) (settings.serverLifetime().toNanos() * (1 - jitter));
  }

  /**
   * A connect failed: back-off grows; a permanent failure (it will repeat however often the pool
   * retries) reaches every waiter now, another one those who waited past the connect timeout.
   */
  PoolActions<C> connectFailed(Throwable cause, boolean permanent, long now) {
    connecting--;
    backoff.failed(cause, now);
    if (permanent) {
      failAllWaiters(cause);
    } else {
      failWaitersPastConnectTimeout(now);
    }
    dispatch(now);
    return take();
  }

  /**
   * The back-off retry is due: connect again, and give up for clients past the connect timeout. The
   * retry stays pending until {@link #retryFinished} (after its connects started): a connect that
   * fails at once inside the retry schedules no second one; the next maintenance round does.
   */
  PoolActions<C> retryDue(long now) {
    dispatch(now);
    failWaitersPastConnectTimeout(now);
    return take();
  }

  /** The retry's step and what it decided were carried out: back-off may schedule the next one. */
  void retryFinished() {
    retryPending = false;
  }

  /** A health check finished; {@code healthy} false when it failed, got no answer or threw. */
  PoolActions<C> checked(PoolEntry<C> entry, boolean healthy, long now) {
    checking--;
    if (entry.state != PoolEntry.State.CLOSED) { // else discarded while its check ran
      Verdict verdict = checkVerdict(entry, healthy);
      if (verdict.closes()) {
        remove(entry, verdict.closeReason);
      } else {
        entry.state = PoolEntry.State.IDLE;
        entry.lastUsedNanos = now;
        idle.addFirst(entry);
      }
    }
    dispatch(now);
    completePausesIfQuiet();
    return take();
  }

  /** A checked connection goes back idle when healthy and still of the current generation. */
  Verdict checkVerdict(PoolEntry<C> entry, boolean healthy) {
    if (!healthy) {
      return Verdict.HEALTH_CHECK_FAILED;
    }
    return closed || entry.generation != generation ? Verdict.DRAINED : Verdict.KEEP;
  }

  /**
   * The maintenance round: each idle connection, least recently used first, gets the verdict of
   * {@link PoolMaintenance#idleVerdict}; then the pool refills to its minimum.
   */
  PoolActions<C> sweep(long now) {
    if (closed) {
      return null;
    }
    for (Iterator<PoolEntry<C>> it = idle.descendingIterator(); it.hasNext(); ) {
      PoolEntry<C> entry = it.next();
      Verdict verdict = PoolMaintenance.idleVerdict(entry, now, settings, entries.size() > settings.minSize());
      if (verdict == Verdict.CHECK) {
        it.remove();
        startCheck(entry);
      } else if (verdict.closes()) {
        it.remove();
        remove(entry, verdict.closeReason);
      }
    }
    dispatch(now);
    return take();
  }

  /** A waiter's query_wait_timeout fired: false when it was served or failed in the meantime. */
  boolean expire(PoolWaiter<C> waiter) {
    return waiters.remove(waiter);
  }

  /**
   * What is true when a client waited in vain: every connection was in use, or the pool had room
   * and the upstream did not let a new one log in (its last connect error, or none answered yet).
   */
  Throwable whyNoConnection(Duration waited) {
    if (entries.size() >= settings.size()) {
      return new PoolExhaustedException(name, settings.size(), waited);
    }
    return backoff.lastFailure().orElseGet(() -> new ConnectPendingException(name, waited, entries.size(), connecting));
  }

  /** Whether another connection may be opened now: for a waiter or the warm minimum, under the cap, past back-off. */
  Open openAnother(long now) {
    int wanted = Math.max(paused ? 0 : waiters.size() - checking, settings.minSize() - entries.size());
    if (connecting >= wanted) {
      return Open.NOT_NEEDED;
    }
    if (entries.size() + connecting >= settings.size()) {
      return Open.AT_CAP;
    }
    return backoff.remainingNanos(now) > 0 ? Open.BACKING_OFF : Open.YES;
  }

  /** The idle connection a waiter gets: the most recently released that lives where it does, else the most recent. */
  PoolEntry<C> takeIdleFor(Object affinity) {
    if (affinity != null) {
      for (Iterator<PoolEntry<C>> it = idle.iterator(); it.hasNext(); ) {
        PoolEntry<C> entry = it.next();
        if (affinity.equals(entry.connection.affinity())) {
          it.remove();
          return entry;
        }
      }
    }
    return idle.pollFirst();
  }

  /** Whether an idle connection may serve a waiter now: gone ones close, stale ones are checked first. */
  Verdict takeVerdict(PoolEntry<C> entry, long now) {
    if (!entry.connection.isUsable()) {
      return Verdict.SERVER_GONE;
    }
    return entry.isDueForCheck(now, settings.serverIdleCheck().toNanos()) ? Verdict.CHECK : Verdict.KEEP;
  }

  /** No client holds or waits for a connection, and none has acquired or released one for {@code quiet}. */
  boolean isUnused(Duration quiet, long now) {
    return held() == 0 && waiters.isEmpty() && now - lastClientNanos >= quiet.toNanos();
  }

  PoolStats stats(long now) {
    long maxWait = waiters.isEmpty() ? 0 : (now - waiters.peekFirst().sinceNanos) / 1000;
    long idleCheck = settings.serverIdleCheck().toNanos();
    int stale = 0;
    for (PoolEntry<C> entry : idle) {
      if (entry.isDueForCheck(now, idleCheck)) {
        stale++;
      }
    }
    return new PoolStats(held(), idle.size(), stale, checking, connecting, waiters.size(), maxWait, paused);
  }

  // Hands idle connections to waiters in order (closing gone ones, checking stale ones first), then
  // opens connections while waiters or the warm minimum need them and the cap and back-off allow.
  private void dispatch(long now) {
    if (closed) {
      return;
    }
    while (!paused && !waiters.isEmpty() && !idle.isEmpty()) {
      PoolEntry<C> entry = takeIdleFor(waiters.peekFirst().affinity);
      Verdict verdict = takeVerdict(entry, now);
      if (verdict == Verdict.CHECK) {
        startCheck(entry);
      } else if (verdict.closes()) {
        remove(entry, verdict.closeReason);
      } else {
        PoolWaiter<C> waiter = waiters.pollFirst();
        waiter.served = true;
        waiter.connection = entry.connection;
        waiter.waitedNanos = now - waiter.sinceNanos;
        entry.state = PoolEntry.State.ACTIVE;
        actions().serve(waiter);
      }
    }
    for (Open open = openAnother(now); open != Open.NOT_NEEDED && open != Open.AT_CAP; open = openAnother(now)) {
      if (open == Open.BACKING_OFF) {
        if (!retryPending) {
          retryPending = true;
          actions().retryAfter(backoff.remainingNanos(now));
        }
        break;
      }
      // A new connection opens where the waiter it will most likely serve lives.
      Object affinity = affinityOfWaiter(connecting + checking);
      connecting++;
      actions().connect(affinity, generation, now);
    }
  }

  private Object affinityOfWaiter(int index) {
    int i = 0;
    for (PoolWaiter<C> waiter : waiters) {
      if (i++ == index) {
        return waiter.affinity;
      }
    }
    return null;
  }

  // Clients that have waited past the connect timeout while the upstream keeps refusing get its error.
  private void failWaitersPastConnectTimeout(long now) {
    if (backoff.lastFailure().isEmpty() || !idle.isEmpty()) {
      return;
    }
    Throwable cause = backoff.lastFailure().get();
    long limit = settings.serverConnectTimeout().toNanos();
    for (Iterator<PoolWaiter<C>> it = waiters.iterator(); it.hasNext(); ) {
      PoolWaiter<C> waiter = it.next();
      if (now - waiter.sinceNanos >= limit) {
        it.remove();
        waiter.failure = cause;
        actions().fail(waiter);
      }
    }
  }

  private void failAllWaiters(Throwable cause) {
    while (!waiters.isEmpty()) {
      PoolWaiter<C> waiter = waiters.pollFirst();
      waiter.failure = cause;
      actions().fail(waiter);
    }
  }

  private void startCheck(PoolEntry<C> entry) {
    entry.state = PoolEntry.State.CHECKING;
    checking++;
    actions().check(entry, settings.serverConnectTimeout().toNanos());
  }

  private void remove(PoolEntry<C> entry, CloseReason reason) {
    entries.remove(entry.connection);
    entry.state = PoolEntry.State.CLOSED;
    entry.closeReason = reason;
    actions().close(entry);
  }

  private void completePausesIfQuiet() {
    if (paused && held() == 0 && !pauses.isEmpty()) {
      actions().completePauses(pauses);
      pauses.clear();
    }
  }

  // Connections clients hold: open ones that are neither idle nor out for a health check.
  private int held() {
    return entries.size() - idle.size() - checking;
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
