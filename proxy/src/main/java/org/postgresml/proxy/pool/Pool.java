package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.postgresml.proxy.config.PoolSettings;

/**
 * The server connections of one (user, database): at most {@code size} open, {@code minSize} kept
 * warm, clients served first come first served. Connections are reused most-recently-released first,
 * so that under light load the rest idle out and warm ones stay hot.
 *
 * <p>All state sits behind one lock; futures are completed and connections closed after it is
 * released, so a client's continuation never runs under the pool's lock.
 */
public final class Pool<C extends PooledConnection> implements AutoCloseable {

  private static final Duration MAINTENANCE_INTERVAL = Duration.ofMillis(500);

  private final String name;
  private final ConnectionFactory<C> factory;
  private final ScheduledExecutorService timer;
  private final PoolListener listener;
  private final LongSupplier nanoClock;

  private final Object lock = new Object();
  private final Map<C, PoolEntry<C>> entries = new IdentityHashMap<>();
  private final ArrayDeque<PoolEntry<C>> idle = new ArrayDeque<>();
  private final ArrayDeque<PoolWaiter<C>> waiters = new ArrayDeque<>();
  private PoolSettings settings;
  private int connecting;
  private int checking;
  private int generation;
  /** When a client last acquired or released a connection (or the pool was made): for unused-pool removal. */
  private long lastClientNanos;
  private boolean paused;
  private boolean closed;
  private final ConnectBackoff backoff = new ConnectBackoff();
  private ScheduledFuture<?> retry;
  private ScheduledFuture<?> maintenance;
  private final List<CompletableFuture<Void>> pauseWaiters = new ArrayList<>();

  public Pool(String name, PoolSettings settings, ConnectionFactory<C> factory, ScheduledExecutorService timer,
      PoolListener listener) {
    this(name, settings, factory, timer, listener, System::nanoTime);
  }

  Pool(String name, PoolSettings settings, ConnectionFactory<C> factory, ScheduledExecutorService timer,
      PoolListener listener, LongSupplier nanoClock) {
    this.name = name;
    this.settings = settings;
    this.factory = factory;
    this.timer = timer;
    this.listener = listener;
    this.nanoClock = nanoClock;
    this.lastClientNanos = nanoClock.getAsLong();
  }

  public String name() {
    return name;
  }

  public PoolSettings settings() {
    synchronized (lock) {
      return settings;
    }
  }

  /** Opens the warm connections and starts the timer that keeps them warm and trims idle ones. */
  public void start() {
    long interval = MAINTENANCE_INTERVAL.toMillis();
    maintenance = timer.scheduleWithFixedDelay(this::maintain, interval, interval, TimeUnit.MILLISECONDS);
    runAfterUnlock(dispatchLocked());
  }

  /**
   * A server connection for one client. Completes when one is free, or exceptionally after
   * {@code queryWaitTimeout} with {@link PoolExhaustedException} when every connection was in use (else
   * with the last connect error, or {@link ConnectPendingException} while none answered), with the connect error when the
   * upstream stays unreachable past {@code serverConnectTimeout}, or {@link PoolClosedException}.
   */
  public CompletableFuture<C> acquire() {
    return acquire(null);
  }

  /**
   * As {@link #acquire()}, preferring a connection with the given {@link PooledConnection#affinity()}
   * (the client's event loop), and opening new ones there.
   */
  public CompletableFuture<C> acquire(Object affinity) {
    CompletableFuture<C> result = new CompletableFuture<>();
    List<Runnable> after;
    synchronized (lock) {
      if (closed) {
        result.completeExceptionally(new PoolClosedException(name));
        return result;
      }
      lastClientNanos = nanoClock.getAsLong();
      PoolWaiter<C> waiter = new PoolWaiter<>(result, lastClientNanos, affinity);
      waiters.addLast(waiter);
      after = dispatchLocked();
      if (!waiter.served) {
        // Only a client that has to wait gets a timer, on its own event loop when it has one: the
        // common case (a warm connection is free) schedules nothing and wakes no other thread.
        long timeout = settings.queryWaitTimeout().toNanos();
        waiter.timeout = timerFor(affinity).schedule(() -> expire(waiter), timeout, TimeUnit.NANOSECONDS);
      }
    }
    runAfterUnlock(after);
    return result;
  }

  /**
   * Gives a connection back. {@code reusable} is the caller's word that the session left it clean
   * (idle, no transaction, no COPY, reset sent); otherwise, or when it is too old, it is closed.
   */
  public void release(C connection, boolean reusable) {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      lastClientNanos = nanoClock.getAsLong();
      PoolEntry<C> entry = entries.get(connection);
      if (entry == null || entry.state != PoolEntry.State.ACTIVE) {
        after.add(() -> connection.close(CloseReason.DRAINED));
      } else {
        long now = nanoClock.getAsLong();
        CloseReason reason = !reusable || !connection.isUsable() ? CloseReason.DIRTY
            : closed || entry.generation != generation ? CloseReason.DRAINED
            : now - entry.createdNanos >= entry.lifetimeNanos ? CloseReason.LIFETIME
            : entries.size() > settings.size() ? CloseReason.POOL_SHRUNK
            : null;
        if (reason != null) {
          removeLocked(entry, reason, after);
        } else {
          entry.state = PoolEntry.State.IDLE;
          entry.lastUsedNanos = now;
          idle.addFirst(entry);
        }
        after.addAll(dispatchLocked());
        completePauseIfQuiet(after);
      }
    }
    runAfterUnlock(after);
  }

  /** A connection that died or must not be used again, held or idle; the pool refills as needed. */
  public void discard(C connection, CloseReason reason) {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      PoolEntry<C> entry = entries.get(connection);
      if (entry == null) {
        return;
      }
      if (entry.state == PoolEntry.State.IDLE) {
        idle.remove(entry);
      }
      removeLocked(entry, reason, after);
      after.addAll(dispatchLocked());
      completePauseIfQuiet(after);
    }
    runAfterUnlock(after);
  }

  /** New sizes and timers; existing connections stay, extra idle ones close, new waiters may be served. */
  public void updateSettings(PoolSettings newSettings) {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      settings = newSettings;
      while (entries.size() > settings.size() && !idle.isEmpty()) {
        removeLocked(idle.pollLast(), CloseReason.POOL_SHRUNK, after);
      }
      after.addAll(dispatchLocked());
    }
    runAfterUnlock(after);
  }

  /**
   * Retires every connection: idle ones close now, held ones when released. For a reload that
   * changed the upstream or its credentials; clients keep their sessions until they leave.
   */
  public void drain() {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      generation++;
      while (!idle.isEmpty()) {
        removeLocked(idle.pollFirst(), CloseReason.DRAINED, after);
      }
      after.addAll(dispatchLocked());
    }
    runAfterUnlock(after);
  }

  /** Holds new acquisitions; completes when no connection is held any more (PgBouncer's PAUSE). */
  public CompletableFuture<Void> pause() {
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      paused = true;
      pauseWaiters.add(quiet);
      completePauseIfQuiet(after);
    }
    runAfterUnlock(after);
    return quiet;
  }

  public void resume() {
    List<Runnable> after;
    synchronized (lock) {
      paused = false;
      after = dispatchLocked();
    }
    runAfterUnlock(after);
  }

  /** True when no client holds or waits for a connection, and none has acquired or released one for {@code quiet}. */
  public boolean isUnused(Duration quiet) {
    synchronized (lock) {
      int held = entries.size() - idle.size() - checking;
      return held == 0 && waiters.isEmpty() && nanoClock.getAsLong() - lastClientNanos >= quiet.toNanos();
    }
  }

  public PoolStats stats() {
    synchronized (lock) {
      long now = nanoClock.getAsLong();
      long maxWait = waiters.isEmpty() ? 0 : (now - waiters.peekFirst().sinceNanos) / 1000;
      int active = entries.size() - idle.size() - checking;
      int stale = (int) idle.stream().filter(entry -> dueForCheckLocked(entry, now)).count();
      return new PoolStats(active, idle.size(), stale, checking, connecting, waiters.size(), maxWait, paused);
    }
  }

  /** Closes idle connections and fails waiting clients; held connections close when released. */
  @Override
  public void close() {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      generation++;
      if (maintenance != null) {
        maintenance.cancel(false);
      }
      if (retry != null) {
        retry.cancel(false);
      }
      while (!idle.isEmpty()) {
        removeLocked(idle.pollFirst(), CloseReason.SHUTDOWN, after);
      }
      while (!waiters.isEmpty()) {
        PoolWaiter<C> waiter = waiters.pollFirst();
        waiter.cancelTimeout();
        after.add(() -> waiter.future.completeExceptionally(new PoolClosedException(name)));
      }
      pauseWaiters.forEach(quiet -> after.add(() -> quiet.complete(null)));
      pauseWaiters.clear();
    }
    runAfterUnlock(after);
  }

  // Hands idle connections to waiters, health-checks stale ones first, and opens new connections
  // while waiters (or the warm minimum) need them and the cap and back-off allow.
  private List<Runnable> dispatchLocked() {
    List<Runnable> after = new ArrayList<>();
    if (closed) {
      return after;
    }
    long now = nanoClock.getAsLong();
    while (!paused && !waiters.isEmpty() && !idle.isEmpty()) {
      PoolEntry<C> entry = takeIdleFor(waiters.peekFirst().affinity);
      if (!entry.connection.isUsable()) {
        removeLocked(entry, CloseReason.SERVER_GONE, after);
      } else if (dueForCheckLocked(entry, now)) {
        startHealthCheckLocked(entry, after);
      } else {
        PoolWaiter<C> waiter = waiters.pollFirst();
        waiter.served = true;
        waiter.cancelTimeout();
        entry.state = PoolEntry.State.ACTIVE;
        Duration waited = Duration.ofNanos(now - waiter.sinceNanos);
        after.add(() -> {
          listener.acquired(waited);
          if (!waiter.future.complete(entry.connection)) {
            release(entry.connection, true); // the client gave up in the meantime
          }
        });
      }
    }
    int wanted = Math.max(paused ? 0 : waiters.size() - checking, settings.minSize() - entries.size());
    while (connecting < wanted && entries.size() + connecting < settings.size()) {
      if (backoff.remainingNanos(now) > 0) {
        scheduleRetryLocked(backoff.remainingNanos(now));
        break;
      }
      Object affinity = affinityOfWaiter(connecting + checking);
      connecting++;
      int connectGeneration = generation;
      long started = now;
      after.add(() -> openConnection(affinity, connectGeneration, started));
    }
    return after;
  }

  // Idle past server_idle_check: health-checked before it serves anyone (PgBouncer's sv_used).
  private boolean dueForCheckLocked(PoolEntry<C> entry, long now) {
    return now - entry.lastUsedNanos > settings.serverIdleCheck().toNanos();
  }

  private ScheduledExecutorService timerFor(Object affinity) {
    return affinity instanceof ScheduledExecutorService own ? own : timer;
  }

  // The most recently released idle connection that lives where the client does, else the most recent.
  private PoolEntry<C> takeIdleFor(Object affinity) {
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

  // A new connection is opened where the waiter it will most likely serve lives.
  private Object affinityOfWaiter(int index) {
    int i = 0;
    for (PoolWaiter<C> waiter : waiters) {
      if (i++ == index) {
        return waiter.affinity;
      }
    }
    return null;
  }

  private void openConnection(Object affinity, int connectGeneration, long startedNanos) {
    try {
      factory.connect(affinity).whenComplete((connection, failure) -> {
        if (failure != null) {
          connectFailed(failure);
        } else {
          connected(connection, connectGeneration, startedNanos);
        }
      });
    } catch (RuntimeException e) {
      connectFailed(e);
    }
  }

  private void connected(C connection, int connectGeneration, long startedNanos) {
    List<Runnable> after = new ArrayList<>();
    long now = nanoClock.getAsLong();
    synchronized (lock) {
      connecting--;
      backoff.succeeded();
      if (closed || connectGeneration != generation) {
        after.add(() -> connection.close(closed ? CloseReason.SHUTDOWN : CloseReason.DRAINED));
      } else {
        PoolEntry<C> entry = new PoolEntry<>(connection, now, lifetimeNanos(), generation);
        entries.put(connection, entry);
        idle.addFirst(entry);
      }
      after.addAll(dispatchLocked());
    }
    listener.connectionOpened(Duration.ofNanos(now - startedNanos));
    runAfterUnlock(after);
  }

  private void connectFailed(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      connecting--;
      long now = nanoClock.getAsLong();
      backoff.failed(cause, now);
      if (factory.isPermanent(cause)) {
        failAllWaitersLocked(cause, after);
      } else {
        failWaitersPastConnectTimeoutLocked(now, after);
      }
      after.addAll(dispatchLocked());
    }
    listener.connectFailed(cause);
    runAfterUnlock(after);
  }

  // Clients that have waited past the connect timeout while the upstream keeps refusing get its error.
  private void failWaitersPastConnectTimeoutLocked(long now, List<Runnable> after) {
    if (backoff.lastFailure().isEmpty() || !idle.isEmpty()) {
      return;
    }
    Throwable cause = backoff.lastFailure().get();
    long limit = settings.serverConnectTimeout().toNanos();
    for (Iterator<PoolWaiter<C>> it = waiters.iterator(); it.hasNext(); ) {
      PoolWaiter<C> waiter = it.next();
      if (now - waiter.sinceNanos >= limit) {
        it.remove();
        waiter.cancelTimeout();
        after.add(() -> waiter.future.completeExceptionally(cause));
      }
    }
  }

  private void failAllWaitersLocked(Throwable cause, List<Runnable> after) {
    while (!waiters.isEmpty()) {
      PoolWaiter<C> waiter = waiters.pollFirst();
      waiter.cancelTimeout();
      after.add(() -> waiter.future.completeExceptionally(cause));
    }
  }

  private void scheduleRetryLocked(long delayNanos) {
    if (retry == null || retry.isDone()) {
      retry = timer.schedule(() -> {
        List<Runnable> after;
        synchronized (lock) {
          after = dispatchLocked();
          failWaitersPastConnectTimeoutLocked(nanoClock.getAsLong(), after);
        }
        runAfterUnlock(after);
      }, Math.max(delayNanos, 1), TimeUnit.NANOSECONDS);
    }
  }

  private void startHealthCheckLocked(PoolEntry<C> entry, List<Runnable> after) {
    entry.state = PoolEntry.State.CHECKING;
    checking++;
    long limitNanos = settings.serverConnectTimeout().toNanos();
    after.add(() -> boundedCheck(entry.connection, limitNanos).whenComplete((healthy, failure) -> {
      List<Runnable> next = new ArrayList<>();
      synchronized (lock) {
        checking--;
        if (entry.state == PoolEntry.State.CLOSED) {
          next.addAll(dispatchLocked()); // discarded while its check ran
        } else if (failure == null && Boolean.TRUE.equals(healthy) && !closed && entry.generation == generation) {
          entry.state = PoolEntry.State.IDLE;
          entry.lastUsedNanos = nanoClock.getAsLong();
          idle.addFirst(entry);
        } else {
          removeLocked(entry, failure == null && Boolean.TRUE.equals(healthy) ? CloseReason.DRAINED
              : CloseReason.HEALTH_CHECK_FAILED, next);
        }
        next.addAll(dispatchLocked());
        completePauseIfQuiet(next);
      }
      runAfterUnlock(next);
    }));
  }

  // A check that gets no answer fails after the connect timeout: a connection whose peer silently
  // vanished (a NAT that forgot the flow) would otherwise hold its pool slot until TCP keepalive.
  private CompletableFuture<Boolean> boundedCheck(C connection, long limitNanos) {
    CompletableFuture<Boolean> verdict = new CompletableFuture<>();
    ScheduledFuture<?> deadline = timer.schedule(() -> verdict.complete(false), limitNanos, TimeUnit.NANOSECONDS);
    connection.checkHealth().whenComplete((healthy, failure) -> {
      deadline.cancel(false);
      if (failure != null) {
        verdict.completeExceptionally(failure);
      } else {
        verdict.complete(healthy);
      }
    });
    return verdict;
  }

  // The timer's round: trim idle connections past their idle timeout or lifetime (down to the warm
  // minimum), ping warm ones that idled past the check interval, and refill to the minimum.
  private void maintain() {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      if (closed) {
        return;
      }
      long now = nanoClock.getAsLong();
      for (Iterator<PoolEntry<C>> it = idle.descendingIterator(); it.hasNext(); ) {
        PoolEntry<C> entry = it.next();
        long idleFor = now - entry.lastUsedNanos;
        boolean aboveMinimum = entries.size() > settings.minSize();
        if (!entry.connection.isUsable()) {
          it.remove();
          removeLocked(entry, CloseReason.SERVER_GONE, after);
        } else if (now - entry.createdNanos >= entry.lifetimeNanos) {
          it.remove();
          removeLocked(entry, CloseReason.LIFETIME, after);
        } else if (aboveMinimum && idleFor >= settings.serverIdleTimeout().toNanos()) {
          it.remove();
          removeLocked(entry, CloseReason.IDLE_TIMEOUT, after);
        } else if (dueForCheckLocked(entry, now)) {
          it.remove();
          startHealthCheckLocked(entry, after);
        }
      }
      after.addAll(dispatchLocked());
    }
    runAfterUnlock(after);
  }

  private void expire(PoolWaiter<C> waiter) {
    Throwable why;
    synchronized (lock) {
      if (!waiters.remove(waiter)) {
        return;
      }
      why = whyNoConnectionLocked(Duration.ofNanos(nanoClock.getAsLong() - waiter.sinceNanos));
    }
    listener.waitTimedOut();
    waiter.future.completeExceptionally(why);
  }

  // What is true when a client waited in vain: every connection was in use, or the pool had room
  // and the upstream did not let a new one log in (its last connect error, or none answered yet).
  private Throwable whyNoConnectionLocked(Duration waited) {
    if (entries.size() >= settings.size()) {
      return new PoolExhaustedException(name, settings.size(), waited);
    }
    return backoff.lastFailure().orElseGet(() -> new ConnectPendingException(name, waited, entries.size(), connecting));
  }

  private void removeLocked(PoolEntry<C> entry, CloseReason reason, List<Runnable> after) {
    entries.remove(entry.connection);
    entry.state = PoolEntry.State.CLOSED;
    after.add(() -> {
      entry.connection.close(reason);
      listener.connectionClosed(reason);
    });
  }

  private void completePauseIfQuiet(List<Runnable> after) {
    if (paused && entries.size() - idle.size() - checking == 0 && !pauseWaiters.isEmpty()) {
      List<CompletableFuture<Void>> done = List.copyOf(pauseWaiters);
      pauseWaiters.clear();
      done.forEach(quiet -> after.add(() -> quiet.complete(null)));
    }
  }

  private long lifetimeNanos() {
    double jitter = settings.lifetimeJitter() * ThreadLocalRandom.current().nextDouble();
    return (long) (settings.serverLifetime().toNanos() * (1 - jitter));
  }

  private static void runAfterUnlock(List<Runnable> actions) {
    for (Runnable action : actions) {
      action.run();
    }
  }
}
