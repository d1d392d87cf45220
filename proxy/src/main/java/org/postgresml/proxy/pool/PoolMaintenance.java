package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.postgresml.proxy.config.PoolSettings;

/**
 * A pool's maintenance: every half second a round trims idle connections past their idle timeout
 * or lifetime (down to the warm minimum), health-checks those idle past the check interval, and
 * refills to the minimum. {@link #idleVerdict} is the rule for one idle connection; the pool
 * applies it under its lock ({@link PoolState#sweep}).
 */
final class PoolMaintenance {

  /** Often enough that timeouts of seconds are kept to within half a second, rare enough to cost nothing. */
  static final Duration INTERVAL = Duration.ofMillis(500);

  /** The fixed-delay rounds, cancelled when the pool closes. */
  private final ScheduledFuture<?> rounds;

  private PoolMaintenance(ScheduledFuture<?> rounds) {
    this.rounds = rounds;
  }

  /** Runs {@code round} every {@link #INTERVAL} on {@code timer}, first after one interval. */
  static PoolMaintenance start(ScheduledExecutorService timer, Runnable round) {
    long interval = INTERVAL.toMillis();
    return new PoolMaintenance(timer.scheduleWithFixedDelay(round, interval, interval, TimeUnit.MILLISECONDS));
  }

  void stop() {
    rounds.cancel(false);
  }

  /**
   * What a round does with one idle connection; the first rule that applies wins: a closed socket
   * goes, then one past its lifetime (even at the minimum: it is replaced), then one idle past the
   * idle timeout while the pool holds more than its minimum, then one idle past the check interval is
   * checked.
   *
   * @param aboveMinimum whether the pool holds more connections than {@code min_pool_size} now
   */
  static Verdict idleVerdict(PoolEntry<? extends PooledConnection> entry, long now, PoolSettings settings,
      boolean aboveMinimum) {
    if (!entry.connection.isUsable()) {
      return Verdict.SERVER_GONE;
    }
    if (entry.isPastLifetime(now)) {
      return Verdict.LIFETIME;
    }
    if (aboveMinimum && now - entry.lastUsedNanos >= settings.serverIdleTimeout().toNanos()) {
      return Verdict.IDLE_TIMEOUT;
    }
    return entry.isDueForCheck(now, settings.serverIdleCheck().toNanos()) ? Verdict.CHECK : Verdict.KEEP;
  }
}
