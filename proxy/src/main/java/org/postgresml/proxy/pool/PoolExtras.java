package org.postgresml.proxy.pool;

import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.prepared.PreparedCatalog;

/**
 * What a pool has besides its connections. The meters live as long as the pool; the rest is what
 * its upstream taught the pool, started afresh when a reload changes the upstream.
 *
 * @param meters the pool's meters (transactions, queries, bytes, waits), on /metrics and SHOW STATS
 * @param catalog the statements the upstream has parsed (transaction mode's prepared statements)
 * @param accepted the startup settings the upstream accepted
 * @param serverDefaults what the pool's last new connection reported at login, for transaction-mode
 *     logins answered without a server; empty until one logged in
 */
record PoolExtras(PoolMetrics meters, PreparedCatalog catalog, AcceptedSettings accepted,
    Optional<Map<String, String>> serverDefaults) {

  static PoolExtras fresh(PoolMetrics meters) {
    return new PoolExtras(meters, new PreparedCatalog(), new AcceptedSettings(), Optional.empty());
  }

  /** What a new upstream has taught nothing yet; the meters stay. */
  PoolExtras afresh() {
    return fresh(meters);
  }

  PoolExtras withServerDefaults(Map<String, String> reported) {
    return new PoolExtras(meters, catalog, accepted, Optional.of(reported));
  }
}
