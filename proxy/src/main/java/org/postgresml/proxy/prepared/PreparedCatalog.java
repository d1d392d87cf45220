package org.postgresml.proxy.prepared;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The statements (by proxy-wide name) that one pool's upstream has parsed without an error, on any
 * of its connections. A client that only prepares such a statement between transactions (libpq's
 * {@code PQprepare}: Parse + Sync) is answered by the proxy without taking a server connection: a
 * client program that prepares synchronously while its other sessions hold every connection inside
 * a transaction (pgbench {@code -M prepared}) would otherwise wait on itself. Thread-safe: the
 * connections of a pool live on several event loops.
 */
public final class PreparedCatalog {

  /** Enough for any application's statements; the oldest is forgotten past it (then parsed on a server again). */
  static final int CAPACITY = 10_000;

  /** A catalog that knows nothing (the plain relay, which has no pools). */
  public static final PreparedCatalog NONE = new PreparedCatalog(0);

  private final int capacity;
  private final Map<String, Boolean> known;

  public PreparedCatalog() {
    this(CAPACITY);
  }

  PreparedCatalog(int capacity) {
    this.capacity = capacity;
    this.known = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > PreparedCatalog.this.capacity;
      }
    };
  }

  /** A server answered ParseComplete for this statement. */
  public void parsed(String proxyName) {
    if (capacity == 0) {
      return;
    }
    synchronized (known) {
      known.put(proxyName, Boolean.TRUE);
    }
  }

  /**
   * A Parse of this statement got no ParseComplete (it failed, a table dropped since say, or an
   * earlier error in its batch skipped it): the next prepare goes to a server again.
   */
  public void failed(String proxyName) {
    synchronized (known) {
      known.remove(proxyName);
    }
  }

  public boolean isKnown(String proxyName) {
    synchronized (known) {
      return known.get(proxyName) != null;
    }
  }

  public int size() {
    synchronized (known) {
      return known.size();
    }
  }
}
