package org.postgresml.proxy.pool;

import java.time.Duration;

/**
 * A client waited {@code query_wait_timeout} while the pool had room but no new connection finished
 * logging in, and none has failed yet: the server is slow or not answering (not "all in use").
 */
public final class ConnectPendingException extends RuntimeException {

  public ConnectPendingException(String poolName, Duration waited, int open, int connecting) {
    super("no server connection for pool " + poolName + " after waiting " + waited.toMillis() + " ms: " + open
        + " open, all in use; " + connecting + " being opened, none logged in yet (the upstream is slow or not"
        + " answering)", null, false, false);
  }
}
