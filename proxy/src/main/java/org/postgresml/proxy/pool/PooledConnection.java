package org.postgresml.proxy.pool;

import java.util.concurrent.CompletionStage;

/**
 * What a {@link Pool} needs of the connections it holds. The pool tracks age, idleness and who
 * holds a connection; the connection itself knows whether its socket is still open and how to
 * check its server cheaply.
 */
public interface PooledConnection {

  /** False once the socket closed or the connection saw an error that makes it unusable. */
  boolean isUsable();

  /** A cheap round trip to the server (an empty query); completes with false or exceptionally when it fails. */
  CompletionStage<Boolean> checkHealth();

  /**
   * Where the connection lives (its event loop), or null. The pool hands a client a connection that
   * lives where the client does when it has one, so the relay does not hop between threads.
   */
  default Object affinity() {
    return null;
  }

  /** Closes the connection; the reason is for logs and metrics. Safe to call more than once. */
  void close(CloseReason reason);
}
