package org.postgresml.proxy.pool;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The {@link PoolExtras} of every pool, one record per {@link PoolKey} instead of a map per extra:
 * made with the pool or by its first client, whichever comes first, and gone with the pool (its
 * meters off /metrics too). Thread-safe: sessions on every event loop read it.
 */
final class PoolExtrasByKey {

  /** One record per pool; a record is replaced whole, never changed in place. */
  private final Map<PoolKey, PoolExtras> extras = new ConcurrentHashMap<>();
  /** Where new pools' meters register. */
  private final MeterRegistry registry;
  /** A pool's live counts, for its gauges (empty once the pool is gone). */
  private final Function<PoolKey, PoolStats> stats;

  PoolExtrasByKey(MeterRegistry registry, Function<PoolKey, PoolStats> stats) {
    this.registry = registry;
    this.stats = stats;
  }

  /** The key's extras, made now (its meters registered) when it has none yet. */
  PoolExtras of(PoolKey key) {
    return extras.computeIfAbsent(key, k -> PoolExtras.fresh(new PoolMetrics(registry, k, () -> stats.apply(k))));
  }

  /** The key's extras if it has any; nothing is made. */
  Optional<PoolExtras> find(PoolKey key) {
    return Optional.ofNullable(extras.get(key));
  }

  /** A pool's new connection reported these session defaults at login (a pool that is gone learns nothing). */
  void learnedServerDefaults(PoolKey key, Map<String, String> reported) {
    extras.computeIfPresent(key, (k, pool) -> pool.withServerDefaults(reported));
  }

  /** The upstream changed: what the old one taught every pool is forgotten; the meters stay. */
  void forgetUpstream() {
    extras.replaceAll((key, pool) -> pool.afresh());
  }

  /** A pool went: nothing of it stays, /metrics included. */
  void remove(PoolKey key) {
    PoolExtras gone = extras.remove(key);
    if (gone != null) {
      gone.meters().close();
    }
  }

  /** Every pool's meters, for SHOW STATS. */
  Map<PoolKey, PoolMetrics> meters() {
    Map<PoolKey, PoolMetrics> meters = new HashMap<>();
    extras.forEach((key, pool) -> meters.put(key, pool.meters()));
    return meters;
  }
}
