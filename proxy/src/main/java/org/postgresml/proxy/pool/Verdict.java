package org.postgresml.proxy.pool;

/**
 * What the pool decides for a connection it looks at: one released by a client, one idle at a
 * maintenance round, one a waiter would get, one back from a health check. Every verdict but
 * {@link #KEEP} and {@link #CHECK} closes it, for the {@link CloseReason} it names.
 */
enum Verdict {
  /** Stays (or goes back) idle, or serves the waiter. */
  KEEP(null),
  /** Idled past server_idle_check: health-checked before it serves anyone. */
  CHECK(null),
  /** The session did not leave it clean, or it saw an error that makes it unusable. */
  DIRTY(CloseReason.DIRTY),
  /** Its socket closed while it sat idle. */
  SERVER_GONE(CloseReason.SERVER_GONE),
  /** From a generation the pool retired (drain after an upstream change), or the pool is closed. */
  DRAINED(CloseReason.DRAINED),
  /** Older than its jittered server_lifetime. */
  LIFETIME(CloseReason.LIFETIME),
  /** Idle past server_idle_timeout while the pool holds more than its warm minimum. */
  IDLE_TIMEOUT(CloseReason.IDLE_TIMEOUT),
  /** The pool holds more than its (reloaded, smaller) size. */
  POOL_SHRUNK(CloseReason.POOL_SHRUNK),
  /** Its health check failed or got no answer. */
  HEALTH_CHECK_FAILED(CloseReason.HEALTH_CHECK_FAILED);

  /** Why it is closed; null when it is not. */
  final CloseReason closeReason;

  Verdict(CloseReason closeReason) {
    this.closeReason = closeReason;
  }

  boolean closes() {
    return closeReason != null;
  }
}
