package org.postgresml.proxy.pool;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.postgresml.proxy.async.Failures;

/**
 * How a pool opens its connections: each attempt asks the {@link ConnectionFactory} (which bounds
 * it by the connect timeout) and reports how it ended; a retry after back-off
 * ({@link ConnectBackoff}, decided by {@link PoolState}) is scheduled here. Nothing here holds the
 * pool's lock.
 */
final class ConnectAttempts<C extends PooledConnection> {

  /** Where the outcome of an attempt goes (the pool, which takes its lock for each). */
  interface Outcomes<C> {

    void connected(C connection, int generation, long startedNanos);

    /** {@code permanent}: the factory says it will repeat however often the pool retries. */
    void failed(Throwable cause, boolean permanent);

    /** The back-off delay passed: time to connect again. */
    void retryDue();
  }

  /** Opens and logs in one server connection; also says which failures are permanent. */
  private final ConnectionFactory<C> factory;
  /** Where back-off retries wait. */
  private final ScheduledExecutorService timer;
  /** Told how each attempt ended. */
  private final Outcomes<C> outcomes;
  /** The scheduled back-off retry, cancelled when the pool closes. */
  private volatile ScheduledFuture<?> retry;

  ConnectAttempts(ConnectionFactory<C> factory, ScheduledExecutorService timer, Outcomes<C> outcomes) {
    this.factory = factory;
    this.timer = timer;
    this.outcomes = outcomes;
  }

  /**
   * Starts one connect.
   *
   * @param affinity where the client it will likely serve lives, or null for a warm one
   * @param generation the pool's generation when it was decided: it joins only if still current
   */
  void open(Object affinity, int generation, long startedNanos) {
    try {
      factory.connect(affinity).whenComplete((connection, failure) -> {
        if (failure != null) {
          failed(failure);
        } else {
          outcomes.connected(connection, generation, startedNanos);
        }
      });
    } catch (RuntimeException e) {
      failed(e);
    }
  }

  void retryAfter(long delayNanos) {
    retry = timer.schedule(outcomes::retryDue, delayNanos, TimeUnit.NANOSECONDS);
  }

  void stop() {
    ScheduledFuture<?> scheduled = retry;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }

  private void failed(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    outcomes.failed(cause, factory.isPermanent(cause));
  }
}
