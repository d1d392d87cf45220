package org.postgresml.proxy.cancel;

/**
 * What a cancel key names: a client session whose running query a CancelRequest may stop. The
 * session implements it, so cancel routing knows nothing else of sessions.
 */
public interface CancelTarget {

  /** Asks the session's server to cancel what it is running now; nothing when it is idle. */
  void cancelRunningQuery();
}
