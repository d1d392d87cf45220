package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.Optional;
import org.postgresml.proxy.config.PoolSettings;

/**
 * The connects of one pool that are under way and the back-off after failed ones: whether another
 * connection is opened now and, if not, why; and what a client that waited in vain is told. Part of
 * {@link PoolState}, so guarded by the pool's lock; takes the time as an argument and starts nothing.
 */
final class ConnectDemand {

  /** Whether another connection may be opened now, and if not, why. */
  enum Open { YES, NOT_NEEDED, AT_CAP, BACKING_OFF }

  /** Failures in a row and the last connect error: holds connects back, and tells waiters why. */
  private final ConnectBackoff backoff = new ConnectBackoff();
  /** Connects started and not finished: counted against the size, so the cap holds while they log in. */
  private int connecting;

  /**
   * Whether to open another connection now: one for each waiter no connection out for a health check
   * may serve soon (none while paused: they wait for RESUME, not for a connection), or up to the warm
   * minimum; under the size with the connects under way counted, and past the back-off.
   *
   * @param open the connections open now (idle, held, being checked)
   * @param checking those of them out for a health check
   */
  Open openAnother(int open, int checking, int waiting, boolean paused, PoolSettings settings, long now) {
    int wanted = Math.max(paused ? 0 : waiting - checking, settings.minSize() - open);
    if (connecting >= wanted) {
      return Open.NOT_NEEDED;
    }
    if (open + connecting >= settings.size()) {
      return Open.AT_CAP;
    }
    return backoff.remainingNanos(now) > 0 ? Open.BACKING_OFF : Open.YES;
  }

  /** A connect the pool decided on starts. */
  void started() {
    connecting++;
  }

  /** A connect logged in: the back-off ends, and the last error is forgotten. */
  void succeeded() {
    connecting--;
    backoff.succeeded();
  }

  /** A connect failed: the back-off grows, and {@code cause} is what waiters past the connect timeout get. */
  void failed(Throwable cause, long now) {
    connecting--;
    backoff.failed(cause, now);
  }

  /** While back-off holds connects: the delay to retry after, or 0 when a retry is pending already. */
  long claimRetry(long now) {
    return backoff.claimRetry(now);
  }

  /** The retry's step was carried out: back-off may schedule the next one. */
  void retryFinished() {
    backoff.retryFinished();
  }

  /** The last connect error, while the upstream has not been reached since. */
  Optional<Throwable> lastFailure() {
    return backoff.lastFailure();
  }

  int connecting() {
    return connecting;
  }

  /**
   * What is true when a client waited in vain: every connection was in use, or else the last connect
   * error, or else no connect has answered yet.
   */
  Throwable whyNoConnection(String pool, int open, int size, Duration waited) {
    if (open >= size) {
      return new PoolExhaustedException(pool, size, waited);
    }
    return backoff.lastFailure().orElseGet(() -> new ConnectPendingException(pool, waited, open, connecting));
  }
}
