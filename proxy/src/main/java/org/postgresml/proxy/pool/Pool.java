package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.postgresml.proxy.config.PoolSettings;

/**
 * The server connections of one (user, database): at most {@code size} open, {@code minSize} kept
 * warm, clients served first come first served. Connections are reused most-recently-released first,
 * so that under light load the rest idle out and warm ones stay hot.
 *
 * <p>The pool holds the lock and the API. What it holds and every decision on it sit in
 * {@link PoolState}; each call takes the lock for one step of it and carries out what the step
 * decided ({@link PoolActions}) after releasing it, so a client's continuation, a connect or a
 * socket close never runs under the pool's lock. Connects and their back-off retries are
 * {@link ConnectAttempts}, health checks {@link PoolHealthCheck}, the timer's rounds
 * {@link PoolMaintenance}.
 */
public final class Pool<C extends PooledConnection> implements AutoCloseable {

  /** "user@database", in errors and logs. */
  private final String name;
  /** The pool's fallback timer: maintenance, retries, health-check deadlines, waits of clients without a loop. */
  private final ScheduledExecutorService timer;
  /** Metrics; told outside the lock. */
  private final PoolListener listener;
  /** The time every decision is made at; a test moves it by hand. */
  private final LongSupplier nanoClock;
  /** Opens connections when a step decides so, and schedules back-off retries. */
  private final ConnectAttempts<C> connects;
  /** Guards {@link #state}; held for one decision at a time, never while anything is carried out. */
  private final Object lock = new Object();
  /** Everything the pool knows, and the rules it decides by. */
  private final PoolState<C> state;
  /** The maintenance rounds, from {@link #start()}; stopped by {@link #close()}. */
  private PoolMaintenance maintenance;

  public Pool(String name, PoolSettings settings, ConnectionFactory<C> factory, ScheduledExecutorService timer,
      PoolListener listener) {
    this(name, settings, factory, timer, listener, System::nanoTime);
  }

  Pool(String name, PoolSettings settings, ConnectionFactory<C> factory, ScheduledExecutorService timer,
      PoolListener listener, LongSupplier nanoClock) {
    this.name = name;
    this.timer = timer;
    this.listener = listener;
    this.nanoClock = nanoClock;
    this.state = new PoolState<>(name, settings, nanoClock.getAsLong(), () -> ThreadLocalRandom.current().nextDouble());
    this.connects = new ConnectAttempts<>(factory, timer, new ConnectOutcomes());
  }

  public String name() {
    return name;
  }

  public PoolSettings settings() {
    synchronized (lock) {
      return state.settings();
    }
  }

  /** Opens the warm connections and starts the timer that keeps them warm and trims idle ones. */
  public void start() {
    PoolActions<C> actions;
    synchronized (lock) {
      maintenance = PoolMaintenance.start(timer, () -> step(state::sweep));
      actions = state.start(nanoClock.getAsLong());
    }
    carryOut(actions);
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
    PoolActions<C> actions;
    C free;
    CompletableFuture<C> result;
    synchronized (lock) {
      if (state.isClosed()) {
        return CompletableFuture.failedFuture(new PoolClosedException(name));
      }
      long now = nanoClock.getAsLong();
      free = state.takeAtOnce(affinity, now);
      if (free != null) {
        // The common case, once per transaction in transaction mode: a warm connection is free. No
        // waiter, no timer, and (but for a refill of the warm minimum) nothing else decided.
        actions = state.decided();
        result = CompletableFuture.completedFuture(free);
      } else {
        result = new CompletableFuture<>();
        PoolWaiter<C> waiter = new PoolWaiter<>(result, now, affinity);
        actions = state.acquire(waiter, now);
        if (!waiter.served) {
          // Only a client that has to wait gets a timer, on its own event loop when it has one. It is
          // set under the lock, so whoever serves the waiter later sees it and cancels it.
          long timeout = state.settings().queryWaitTimeout().toNanos();
          waiter.timeout = timerFor(affinity).schedule(() -> expire(waiter), timeout, TimeUnit.NANOSECONDS);
        }
      }
    }
    if (free != null) {
      listener.acquired(Duration.ZERO);
    }
    carryOut(actions);
    return result;
  }

  /**
   * Gives a connection back. {@code reusable} is the caller's word that the session left it clean
   * (idle, no transaction, no COPY, reset sent); otherwise, or when it is too old, it is closed.
   */
  public void release(C connection, boolean reusable) {
    PoolActions<C> actions;
    synchronized (lock) {
      actions = state.release(connection, reusable, nanoClock.getAsLong());
    }
    carryOut(actions);
  }

  /** A connection that died or must not be used again, held or idle; the pool refills as needed. */
  public void discard(C connection, CloseReason reason) {
    step(now -> state.discard(connection, reason, now));
  }

  /** New sizes and timers; existing connections stay, extra idle ones close, new waiters may be served. */
  public void updateSettings(PoolSettings newSettings) {
    step(now -> state.updateSettings(newSettings, now));
  }

  /**
   * Retires every connection: idle ones close now, held ones when released. For a reload that
   * changed the upstream or its credentials; clients keep their sessions until they leave.
   */
  public void drain() {
    step(state::drain);
  }

  /** Holds new acquisitions; completes when no connection is held any more (PgBouncer's PAUSE). */
  public CompletableFuture<Void> pause() {
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    step(now -> state.pause(quiet));
    return quiet;
  }

  public void resume() {
    step(state::resume);
  }

  /** True when no client holds or waits for a connection, and none has acquired or released one for {@code quiet}. */
  public boolean isUnused(Duration quiet) {
    synchronized (lock) {
      return state.isUnused(quiet, nanoClock.getAsLong());
    }
  }

  public PoolStats stats() {
    synchronized (lock) {
      return state.stats(nanoClock.getAsLong());
    }
  }

  /** Closes idle connections and fails waiting clients; held connections close when released. */
  @Override
  public void close() {
    PoolActions<C> actions;
    synchronized (lock) {
      actions = state.close();
      if (actions == null) {
        return; // closed before
      }
      if (maintenance != null) {
        maintenance.stop();
      }
      connects.stop();
    }
    carryOut(actions);
  }

  private ScheduledExecutorService timerFor(Object affinity) {
    return affinity instanceof ScheduledExecutorService own ? own : timer;
  }

  private void expire(PoolWaiter<C> waiter) {
    Throwable why;
    synchronized (lock) {
      if (!state.expire(waiter)) {
        return;
      }
      why = state.whyNoConnection(Duration.ofNanos(nanoClock.getAsLong() - waiter.sinceNanos));
    }
    listener.waitTimedOut();
    waiter.future.completeExceptionally(why);
  }

  // One locked step of the state, then what it decided. For the calls off the per-transaction path:
  // acquire and release spell it out, so that they allocate no lambda.
  private void step(LongFunction<PoolActions<C>> decision) {
    PoolActions<C> actions;
    synchronized (lock) {
      actions = decision.apply(nanoClock.getAsLong());
    }
    carryOut(actions);
  }

  // What a locked step decided, in this order: let connections go, serve and fail waiters, start
  // checks and connects, schedule a retry, complete pauses.
  private void carryOut(PoolActions<C> actions) {
    if (actions == null) {
      return;
    }
    if (actions.stray != null) {
      actions.stray.close(actions.strayReason);
    }
    for (int i = 0; i < actions.closeCount(); i++) {
      PoolEntry<C> entry = actions.closes.get(i);
      entry.connection.close(entry.closeReason);
      listener.connectionClosed(entry.closeReason);
    }
    for (PoolWaiter<C> waiter = actions.firstServed; waiter != null; ) {
      PoolWaiter<C> next = waiter.next; // read first: completing the future may run the client's code
      waiter.cancelTimeout();
      listener.acquired(Duration.ofNanos(waiter.waitedNanos));
      if (!waiter.future.complete(waiter.connection)) {
        release(waiter.connection, true); // the client gave up in the meantime
      }
      waiter = next;
    }
    for (PoolWaiter<C> waiter = actions.firstFailed; waiter != null; ) {
      PoolWaiter<C> next = waiter.next;
      waiter.cancelTimeout();
      waiter.future.completeExceptionally(waiter.failure);
      waiter = next;
    }
    for (int i = 0; i < actions.checkCount(); i++) {
      PoolEntry<C> entry = actions.checks.get(i);
      PoolHealthCheck.run(entry.connection, actions.checkLimitNanos, timer)
          .thenAccept(healthy -> step(now -> state.checked(entry, healthy, now)));
    }
    for (int i = 0; i < actions.connectCount(); i++) {
      connects.open(actions.connects.get(i), actions.connectGeneration, actions.connectsStartedNanos);
    }
    if (actions.retryAfterNanos > 0) {
      connects.retryAfter(actions.retryAfterNanos);
    }
    if (actions.quietPauses != null) {
      actions.quietPauses.forEach(quiet -> quiet.complete(null));
    }
  }

  /** Each outcome of a connect is one locked step; the metric is told outside the lock. */
  private final class ConnectOutcomes implements ConnectAttempts.Outcomes<C> {

    @Override
    public void connected(C connection, int generation, long startedNanos) {
      PoolActions<C> actions;
      long now = nanoClock.getAsLong();
      synchronized (lock) {
        actions = state.connected(connection, generation, now);
      }
      listener.connectionOpened(Duration.ofNanos(now - startedNanos));
      carryOut(actions);
    }

    @Override
    public void failed(Throwable cause, boolean permanent) {
      PoolActions<C> actions;
      synchronized (lock) {
        actions = state.connectFailed(cause, permanent, nanoClock.getAsLong());
      }
      listener.connectFailed(cause);
      carryOut(actions);
    }

    @Override
    public void retryDue() {
      step(state::retryDue);
      synchronized (lock) {
        state.retryFinished();
      }
    }
  }
}
