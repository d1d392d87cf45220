package org.postgresml.proxy.pool;

import org.postgresml.proxy.async.Failures;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * What a client session is told when its pool gives it no connection: the pool's own exceptions
 * become an {@link UpstreamException} with the SQLSTATE and message a user understands; the
 * upstream's own errors (a refused login, a missing database) pass as they are.
 */
final class PoolErrors {

  private PoolErrors() {}

  /** @param upstream the upstream's host:port, for the message of a connect that did not finish in time */
  static Throwable forClient(Throwable failure, String upstream) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof PoolExhaustedException || cause instanceof TooManyPoolsException) {
      return new UpstreamException(SqlState.TOO_MANY_CONNECTIONS, cause.getMessage());
    }
    if (cause instanceof ConnectPendingException pending) {
      return new UpstreamException(SqlState.UNABLE_TO_CONNECT, "could not connect to upstream " + upstream
          + " in time: " + pending.getMessage());
    }
    if (cause instanceof PoolClosedException) {
      return new UpstreamException(SqlState.ADMIN_SHUTDOWN, "the proxy is shutting down");
    }
    return cause;
  }
}
