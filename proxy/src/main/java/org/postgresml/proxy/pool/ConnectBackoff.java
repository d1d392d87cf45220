package org.postgresml.proxy.pool;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How long a pool waits before it opens another connection after failures: 50 ms after the first,
 * doubling up to 2 s, so a down upstream is retried steadily without a storm of connects. It keeps
 * the last failure, which waiting clients get once they have waited past the connect timeout. Not
 * thread-safe: the pool calls it under its lock.
 */
final class ConnectBackoff {

  private static final long MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final long MAX_NANOS = TimeUnit.SECONDS.toNanos(2);

  private int consecutiveFailures;
  private long untilNanos;
  private Throwable lastFailure;

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

  /** The last connect error, while the upstream has not been reached since. */
  Optional<Throwable> lastFailure() {
    return Optional.ofNullable(lastFailure);
  }
}
