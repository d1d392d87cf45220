package org.postgresml.proxy.pool;

import java.time.Duration;

/** Events a pool reports, for metrics. Called outside the pool's lock; must not block. */
public interface PoolListener {

  PoolListener NONE = new PoolListener() {};

  default void connectionOpened(Duration connectTime) {}

  default void connectFailed(Throwable cause) {}

  default void connectionClosed(CloseReason reason) {}

  /** A client got a connection after waiting this long (zero when one was idle). */
  default void acquired(Duration waited) {}

  default void waitTimedOut() {}
}
