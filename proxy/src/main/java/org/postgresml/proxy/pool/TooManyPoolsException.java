package org.postgresml.proxy.pool;

import org.postgresml.proxy.config.PoolLimits;

/** A client needs a new pool while {@link PoolLimits#maxPools} are open. */
public final class TooManyPoolsException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public TooManyPoolsException(int maxPools) {
    super("too many pools: " + maxPools + " (user, database) pools are open, the proxy's limit (pool.maxPools);"
        + " a pool no client uses is removed after pool.poolIdleTimeout");
  }
}
