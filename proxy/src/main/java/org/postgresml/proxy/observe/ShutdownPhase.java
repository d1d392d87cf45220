package org.postgresml.proxy.observe;

import java.util.Locale;

/** Where a proxy stands in its shutdown, in the order it passes through them (docs/proxy.md). */
public enum ShutdownPhase {
  /** Not stopping. */
  SERVING,
  /** /readyz answers 503 but the listener still accepts, while load balancers catch up. */
  GRACE,
  /** No new clients; sessions end at their next transaction boundary, for up to timeouts.shutdown. */
  DRAINING,
  /** timeouts.shutdown is over: the sessions left get 57P01. */
  TERMINATING,
  /** Every session is gone; the threads stop and the process exits. */
  STOPPED;

  /** The name in metrics and logs. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
