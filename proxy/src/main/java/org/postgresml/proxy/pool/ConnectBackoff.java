package org.postgresml.proxy.pool;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How long a pool waits before it opens another connection after failures: 50 ms after the first,
 * doubling up to 2 s, so a down upstream is retried steadily without a storm of connects. It keeps
 * the last failure, which waiting clients get once they have waited past the connect timeout, and
 * whether a retry is scheduled (one at a time). Not thread-safe: the pool calls it under its lock.
 */
final class ConnectBackoff {

  private static final long MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** Failures since the last success: the delay doubles with each. */
  private int consecutiveFailures;
  /** No connect starts before this. */
  private long untilNanos;
  /** The error waiting clients get; null once a connect succeeded. */
  private Throwable lastFailure;
  /** A retry is scheduled and has not finished running: a second one would only repeat it. */
  private boolean retryPending;

  void succeeded() {
    consecutiveFailures = 0;
    untilNanos = 0;
    lastFailure = null;
  }

  void failed(Throwable cause, long nowNanos) {
    consecutiveFailures++;
    lastFailure = cause;
    untilNanos = nowNanos + Math.min(MAX_NANOS, MIN_NANOS << Math.min(consecutiveFailures - 1, 10));
  }

  /** Nanoseconds until the next connect may start; 0 or less when it may start now. */
  long remainingNanos(long nowNanos) {
    return untilNanos - nowNanos;
  }

  /**
   * Claims the one retry while back-off holds connects: the delay to schedule it after, or 0 when
   * one is pending already.
   */
  long claimRetry(long nowNanos) {
    if (retryPending) {
      return 0;
    }
    retryPending = true;
    return Math.max(remainingNanos(nowNanos), 1);
  }

  /** The retry ran and what it decided was carried out (its connects started). */
  void retryFinished() {
    retryPending = false;
  }

  /** The last connect error, while the upstream has not been reached since. */
  Optional<Throwable> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }
}
