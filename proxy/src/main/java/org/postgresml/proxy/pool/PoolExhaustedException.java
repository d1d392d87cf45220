package org.postgresml.proxy.pool;

import java.time.Duration;

/** A client waited {@code query_wait_timeout} and no server connection became free. */
public final class PoolExhaustedException extends RuntimeException {

  public PoolExhaustedException(String poolName, int size, Duration waited) {
    super("no server connection free in pool " + poolName + " after waiting " + waited.toMillis()
        + " ms: all " + size + " are in use (raise pool.size, or pool.queryWaitTimeout to wait longer)", null, false,
        false);
  }
}
