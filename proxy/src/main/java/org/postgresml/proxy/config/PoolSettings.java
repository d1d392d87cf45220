package org.postgresml.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The sizes and timers of one pool, the one record of them: the settings resolver fills it from the
 * {@code pool:} section (defaults: the settings table, proxy-config's {@code Setting}). Names follow
 * PgBouncer's settings, so that its users know them.
 *
 * @param size most server connections open at once ({@code pool_size})
 * @param minSize connections kept open and warm even without clients ({@code min_pool_size})
 * @param queryWaitTimeout how long a client waits for a connection before it gets an error
 * @param serverIdleTimeout an idle connection above {@code minSize} is closed after this long
 * @param serverLifetime a connection is closed when released after this age (spread by {@code lifetimeJitter})
 * @param lifetimeJitter fraction of {@code serverLifetime} taken off at random per connection, so a fleet does
 *     not reconnect at one moment
 * @param serverIdleCheck a connection idle for longer than this is health-checked before reuse
 * @param serverConnectTimeout a waiting client gets the connect error once connecting failed for this long;
 *     a health check unanswered for this long fails
 */
public record PoolSettings(
    int size,
    int minSize,
    Duration queryWaitTimeout,
    Duration serverIdleTimeout,
    Duration serverLifetime,
    double lifetimeJitter,
    Duration serverIdleCheck,
    Duration serverConnectTimeout) {

  public PoolSettings {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be at least 1, got " + size);
    }
    if (minSize < 0 || minSize > size) {
      throw new IllegalArgumentException("min pool size must be between 0 and the pool size " + size + ", got " + minSize);
    }
    if (lifetimeJitter < 0 || lifetimeJitter >= 1) {
      throw new IllegalArgumentException("lifetime jitter must be in [0, 1), got " + lifetimeJitter);
    }
    Objects.requireNonNull(queryWaitTimeout, "queryWaitTimeout");
    Objects.requireNonNull(serverIdleTimeout, "serverIdleTimeout");
    Objects.requireNonNull(serverLifetime, "serverLifetime");
    Objects.requireNonNull(serverIdleCheck, "serverIdleCheck");
    Objects.requireNonNull(serverConnectTimeout, "serverConnectTimeout");
  }
}
