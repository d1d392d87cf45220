package org.postgresml.proxy.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Bounds on the set of pools: every (user, database) a client names gets a pool, so without them a
 * client could grow the proxy (and {@code /metrics}) one made-up database name at a time.
 *
 * @param maxPools most pools open at once; a login that needs one more is refused (53300)
 * @param idleTimeout a pool no client has used for this long is removed with its connections and
 *     meters (PgBouncer's {@code autodb_idle_timeout}); the configured pool stays
 */
public record PoolLimits(int maxPools, Duration idleTimeout) {

  public PoolLimits {
    if (maxPools < 1) {
      throw new IllegalArgumentException("max pools must be at least 1, got " + maxPools);
    }
    Objects.requireNonNull(idleTimeout, "idleTimeout");
  }
}
