package org.postgresml.proxy.cache;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * The cache's counters, per function (the allow-list bounds the label's values): for SHOW CACHE and,
 * as {@code pgml_proxy_cache_*_total}, for Prometheus.
 */
final class CacheMeters {

  /** One function's counts since start (CACHE CLEAR empties entries, not history). */
  static final class Counts {
    final LongAdder hits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder coalesced = new LongAdder();
    final LongAdder evictions = new LongAdder();
    final LongAdder bypassed = new LongAdder();
    private final Counter hitCounter;
    private final Counter missCounter;
    private final Counter coalescedCounter;
    private final Counter evictionCounter;

    Counts(MeterRegistry registry, String function) {
      hitCounter = counter(registry, "pgml_proxy_cache_hits", function, "calls answered from the cache");
      missCounter = counter(registry, "pgml_proxy_cache_misses", function, "calls sent to the upstream to fill"
          + " the cache");
      coalescedCounter = counter(registry, "pgml_proxy_cache_coalesced", function, "calls that waited for the"
          + " same call in flight instead of asking the upstream");
      evictionCounter = counter(registry, "pgml_proxy_cache_evictions", function, "entries evicted (budget or"
          + " ttl)");
    }

    void hit() {
      hits.increment();
      hitCounter.increment();
    }

    void miss() {
      misses.increment();
      missCounter.increment();
    }

    void coalesced() {
      coalesced.increment();
      coalescedCounter.increment();
    }

    void evicted() {
      evictions.increment();
      evictionCounter.increment();
    }

    private static Counter counter(MeterRegistry registry, String name, String function, String description) {
      return Counter.builder(name).tag("function", function).description(description).register(registry);
    }
  }

  private final MeterRegistry registry;
  private final Map<String, Counts> byFunction = new ConcurrentHashMap<>();

  <T> CacheMeters(MeterRegistry registry, T cache, ToDoubleFunction<T> entries, ToDoubleFunction<T> bytes,
      ToDoubleFunction<T> maxBytes) {
    this.registry = registry;
    Gauge.builder("pgml_proxy_cache_entries", cache, entries).description("answers in the cache").register(registry);
    Gauge.builder("pgml_proxy_cache_size_bytes", cache, bytes).description("bytes the cache's entries weigh")
        .register(registry);
    Gauge.builder("pgml_proxy_cache_max_size_bytes", cache, maxBytes).description("the cache's budget (cache.maxSize)")
        .register(registry);
  }

  Counts of(String function) {
    return byFunction.computeIfAbsent(function, name -> new Counts(registry, name));
  }

  Map<String, Counts> all() {
    return byFunction;
  }
}
