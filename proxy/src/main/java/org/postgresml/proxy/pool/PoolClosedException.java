package org.postgresml.proxy.pool;

/** The pool was closed (shutdown, or its database was removed by a reload) while a client waited. */
public final class PoolClosedException extends RuntimeException {

  public PoolClosedException(String poolName) {
    super("pool " + poolName + " is closed", null, false, false);
  }
}
