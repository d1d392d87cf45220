package org.postgresml.proxy.pool;

/** Why the pool (or its owner) closed a server connection; a label of the closed-connections metric. */
public enum CloseReason {
  /** Idle for longer than {@code server_idle_timeout}, above the pool's minimum size. */
  IDLE_TIMEOUT("idle_timeout"),
  /** Older than {@code server_lifetime} (with jitter). */
  LIFETIME("lifetime"),
  /** A health check before reuse or on the idle interval failed. */
  HEALTH_CHECK_FAILED("health_check_failed"),
  /** Returned in a state that cannot be reset safely: inside a transaction, a COPY, after a protocol error. */
  DIRTY("dirty"),
  /** The socket closed or the server ended the session. */
  SERVER_GONE("server_gone"),
  /** The pool's upstream or credentials changed (reload) or the pool was closed. */
  DRAINED("drained"),
  /** The pool shrank (reload with a smaller size). */
  POOL_SHRUNK("pool_shrunk"),
  /** The proxy is shutting down. */
  SHUTDOWN("shutdown");

  /** The metric's label value, stable across renames of the constant. */
  private final String label;

  CloseReason(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
