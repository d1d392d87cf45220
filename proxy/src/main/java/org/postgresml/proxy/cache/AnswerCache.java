package org.postgresml.proxy.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.postgresml.proxy.config.CacheSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's answers to cacheable AI calls (docs/cache.md): a Caffeine cache bounded by weight
 * (the answer's bytes, plus its key), expiring after {@code cache.ttl}, evicting by W-TinyLFU; and
 * the calls in flight, so identical misses at the same moment reach the upstream once. Shared by
 * every session; any thread.
 */
public final class AnswerCache {

  private static final Logger LOG = LoggerFactory.getLogger(AnswerCache.class);
  /** No single answer may take more than this share of the budget (nor more than 1MB): a flood of big ones cannot empty it. */
  private static final int ENTRY_SHARE = 16;
  private static final int MAX_ENTRY_BYTES = 1024 * 1024;

  private volatile CacheSettings settings;
  private final Cache<CacheKey, CachedAnswer> entries;
  private final Map<FlightKey, Flight> flights = new ConcurrentHashMap<>();
  private final CacheMeters meters;

  /** A flight is one exact query text: an error's position (and any reply) must fit each waiter's own text. */
  record FlightKey(CacheKey key, String sql) {}

  /** The answer to a lookup. */
  sealed interface Lookup {
    record Hit(CachedAnswer answer) implements Lookup {}

    /** Nobody asks this now: the caller asks the upstream, then {@link AnswerCache#land} or {@link AnswerCache#abandon}. */
    record Lead(FlightKey flight) implements Lookup {}

    /** The same call is in flight: the waiter hears its outcome. */
    record Wait(FlightKey flight) implements Lookup {}
  }

  public AnswerCache(CacheSettings settings, MeterRegistry registry) {
    this.settings = settings;
    this.entries = Caffeine.newBuilder()
        .maximumWeight(settings.maxSizeBytes())
        .weigher((CacheKey key, CachedAnswer answer) -> key.weight() + answer.bytes().length)
        .expireAfterWrite(settings.ttl())
        // Maintenance and removal on the calling thread: no pool of its own, and the budget is kept at each write.
        .executor(Runnable::run)
        .removalListener(this::removed)
        .build();
    this.meters = new CacheMeters(registry, this, cache -> cache.entries.estimatedSize(),
        cache -> cache.weightedSize(), cache -> cache.settings.maxSizeBytes());
  }

  private void removed(CacheKey key, CachedAnswer answer, RemovalCause cause) {
    if (key != null && cause.wasEvicted()) {
      meters.of(key.function()).evicted();
    }
  }

  public CacheSettings settings() {
    return settings;
  }

  /**
   * New settings (RELOAD, SIGHUP, a changed file), applied at once: a new generation or an emptied
   * allow-list empties the cache; a function no longer listed, or now public or no longer, loses its
   * entries; a new budget or TTL applies to every entry.
   */
  public void update(CacheSettings next) {
    CacheSettings previous = settings;
    settings = next;
    entries.policy().eviction().ifPresent(eviction -> eviction.setMaximum(next.maxSizeBytes()));
    entries.policy().expireAfterWrite().ifPresent(expiry -> expiry.setExpiresAfter(next.ttl()));
    if (previous.generation() != next.generation() || !next.enabled()) {
      entries.invalidateAll();
    } else if (!previous.functions().equals(next.functions())) {
      entries.asMap().keySet().removeIf(key -> !Objects.equals(previous.functions().get(key.function()),
          next.functions().get(key.function())));
    }
    entries.cleanUp();
    if (!previous.equals(next)) {
      LOG.atInfo().addKeyValue("functions", next.functions().keySet()).addKeyValue("max_size", next.maxSizeBytes())
          .addKeyValue("ttl", next.ttl()).addKeyValue("generation", next.generation()).log("cache settings applied");
    }
  }

  /** CACHE CLEAR: every entry goes; counters stay. */
  public void clear() {
    entries.invalidateAll();
    entries.cleanUp();
  }

  /** The largest answer worth keeping under the current budget. */
  int maxEntryBytes() {
    return (int) Math.min(MAX_ENTRY_BYTES, settings.maxSizeBytes() / ENTRY_SHARE);
  }

  Lookup lookup(CacheKey key, String sql, Consumer<Flight.Outcome> waiter) {
    CacheMeters.Counts counts = meters.of(key.function());
    FlightKey flightKey = null; // made on the first miss: a hit needs none
    while (true) {
      CachedAnswer cached = entries.getIfPresent(key);
      if (cached != null) {
        counts.hit();
        return new Lookup.Hit(cached);
      }
      if (flightKey == null) {
        flightKey = new FlightKey(key, sql);
      }
      Flight mine = new Flight();
      Flight running = flights.putIfAbsent(flightKey, mine);
      if (running == null) {
        // Landed between the look and the claim? Then it is a hit after all.
        CachedAnswer landed = entries.getIfPresent(key);
        if (landed != null) {
          flights.remove(flightKey, mine);
          mine.finish(new Flight.Outcome.Answered(landed.bytes()));
          counts.hit();
          return new Lookup.Hit(landed);
        }
        counts.miss();
        return new Lookup.Lead(flightKey);
      }
      if (running.join(waiter)) {
        counts.coalesced();
        return new Lookup.Wait(flightKey);
      }
      // That flight has just ended: look again (its answer is stored, or the next caller leads).
    }
  }

  /** A waiter stops waiting (timeout, the client left). */
  void leave(FlightKey flightKey, Consumer<Flight.Outcome> waiter) {
    Flight flight = flights.get(flightKey);
    if (flight != null) {
      flight.leave(waiter);
    }
  }

  /** The leader's call ended with {@code outcome}; an answer is stored unless the generation moved on meanwhile. */
  void land(FlightKey flightKey, Flight.Outcome outcome) {
    CacheKey key = flightKey.key();
    if (outcome instanceof Flight.Outcome.Answered answered && key.generation() == settings.generation()
        && settings.functions().containsKey(key.function())) {
      entries.put(key, new CachedAnswer(answered.bytes()));
    }
    Flight flight = flights.remove(flightKey);
    if (flight != null) {
      flight.finish(outcome);
    }
  }

  /** The leader will not bring an answer to share: its waiters ask on their own. */
  void abandon(FlightKey flightKey) {
    land(flightKey, new Flight.Outcome.GoAlone());
  }

  void bypassed(String function) {
    meters.of(function).bypassed.increment();
  }

  long weightedSize() {
    return entries.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
  }

  /** Runs pending maintenance (expiry, eviction) now; for reports and tests. */
  public void cleanUp() {
    entries.cleanUp();
  }

  /** One function's line of SHOW CACHE. */
  public record FunctionReport(String function, boolean shared, long entries, long bytes, long hits, long misses,
      long coalesced, long evictions, long bypassed) {}

  /** SHOW CACHE: a line per function listed or seen since start; entries and bytes as of now. */
  public List<FunctionReport> report() {
    entries.cleanUp();
    Map<String, long[]> held = new TreeMap<>();
    entries.asMap().forEach((key, answer) -> {
      long[] line = held.computeIfAbsent(key.function(), f -> new long[2]);
      line[0]++;
      line[1] += key.weight() + answer.bytes().length;
    });
    CacheSettings current = settings;
    TreeMap<String, Boolean> names = new TreeMap<>();
    meters.all().keySet().forEach(name -> names.put(name, current.functions().getOrDefault(name, false)));
    names.putAll(current.functions());
    List<FunctionReport> lines = new ArrayList<>();
    names.forEach((name, shared) -> {
      long[] line = held.getOrDefault(name, new long[2]);
      CacheMeters.Counts counts = meters.of(name);
      lines.add(new FunctionReport(name, shared, line[0], line[1], counts.hits.sum(), counts.misses.sum(),
          counts.coalesced.sum(), counts.evictions.sum(), counts.bypassed.sum()));
    });
    return lines;
  }

  /** Entries now (after pending maintenance). */
  public long size() {
    entries.cleanUp();
    return entries.estimatedSize();
  }

  /** The weight of the entries now: at most {@code cache.maxSize}. */
  public long bytes() {
    entries.cleanUp();
    return weightedSize();
  }

  /** Calls in flight now. */
  public int inFlight() {
    return flights.size();
  }
}
