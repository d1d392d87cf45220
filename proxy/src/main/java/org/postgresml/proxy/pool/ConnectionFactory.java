package org.postgresml.proxy.pool;

import java.util.concurrent.CompletionStage;

/** Opens one authenticated server connection for a pool; the pool calls it, never a client. */
@FunctionalInterface
public interface ConnectionFactory<C extends PooledConnection> {

  /**
   * Starts a connection. The stage completes with a ready connection (authenticated, first
   * {@code ReadyForQuery} seen) or exceptionally with the cause a waiting client should see.
   *
   * @param affinity where the client that will get it lives (see {@link PooledConnection#affinity()}),
   *     or null for a warm connection nobody waits for yet
   */
  CompletionStage<C> connect(Object affinity);

  /**
   * Whether a connect failure will repeat however often the pool retries (a database that does not
   * exist, a login the upstream refuses): then every waiting client gets it at once.
   */
  default boolean isPermanent(Throwable failure) {
    return false;
  }
}
