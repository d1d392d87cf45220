package org.postgresml.proxy.pool;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.postgresml.proxy.config.PoolLimits;
import org.postgresml.proxy.config.PoolSettings;

/**
 * The pools of a proxy, one per {@link PoolKey}, created when the first client of a key arrives
 * (or at start for the configured one, so its warm connections open before any client), at most
 * {@link PoolLimits#maxPools}. A pool goes again when the upstream says its database does not exist
 * ({@link #removeIfQuiet}) or when no client has used it for {@link PoolLimits#idleTimeout}; the
 * configured ({@link #pin pinned}) pool stays.
 */
public final class PoolManager<C extends PooledConnection> implements AutoCloseable {

  /** How often unused pools are looked for; removal is due after the idle timeout, give or take this. */
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(1);

  /** The live pools; read without a lock on every login, changed only under {@link #membership}. */
  private final Map<PoolKey, Pool<C>> pools = new ConcurrentHashMap<>();
  /** The configured pool's key: never removed as unused, so its warm connections stay. */
  private final Set<PoolKey> pinned = ConcurrentHashMap.newKeySet();
  /** Serialises creation and removal, so the count stays under the cap and a removal never races a creation. */
  private final Object membership = new Object();
  /** Shared by the pools for their maintenance, retries and waits, and by the unused-pool sweep. */
  private final ScheduledExecutorService timer;
  /** How a new pool opens its connections (the key's upstream login). */
  private final Function<PoolKey, ConnectionFactory<C>> factories;
  /** A new pool's meters. */
  private final Function<PoolKey, PoolListener> listeners;
  /** Told of each removed pool, to drop its meters. */
  private final Consumer<PoolKey> removed;
  /** Keys clients are logged in with now: such a pool is in use even while it holds no connection. */
  private final Supplier<Set<PoolKey>> inUse;
  /** The unused-pool sweep, cancelled on close. */
  private final ScheduledFuture<?> sweep;
  /** Given to new pools and, on reload, to every pool. */
  private volatile PoolSettings settings;
  /** How many pools, and how long an unused one stays; replaced by a reload. */
  private volatile PoolLimits limits;
  /** Closed: no pool is made any more. */
  private volatile boolean closed;
  /** PAUSE is on: a pool made now starts paused like the others. */
  private volatile boolean paused;

  /**
   * @param removed told of each removed pool (under the membership lock: drop its meters, quickly)
   * @param inUse the keys clients are logged in with now (a transaction-mode client holds no connection
   *     between transactions, yet its pool is in use)
   */
  public PoolManager(PoolSettings settings, PoolLimits limits, ScheduledExecutorService timer,
      Function<PoolKey, ConnectionFactory<C>> factories, Function<PoolKey, PoolListener> listeners,
      Consumer<PoolKey> removed, Supplier<Set<PoolKey>> inUse) {
    this.settings = settings;
    this.limits = limits;
    this.timer = timer;
    this.factories = factories;
    this.listeners = listeners;
    this.removed = removed;
    this.inUse = inUse;
    long interval = SWEEP_INTERVAL.toMillis();
    this.sweep = timer.scheduleWithFixedDelay(this::removeUnused, interval, interval, TimeUnit.MILLISECONDS);
  }

  /**
   * The pool of a key, started on first use.
   *
   * @throws TooManyPoolsException when it would be one more than {@link PoolLimits#maxPools}
   */
  public Pool<C> pool(PoolKey key) {
    if (closed) {
      throw new PoolClosedException(key.toString());
    }
    Pool<C> existing = pools.get(key);
    if (existing != null) {
      return existing;
    }
    synchronized (membership) {
      existing = pools.get(key);
      if (existing != null) {
        return existing;
      }
      int max = limits.maxPools();
      if (pools.size() >= max) {
        throw new TooManyPoolsException(max);
      }
      Pool<C> pool = new Pool<>(key.toString(), settings, factories.apply(key), timer, listeners.apply(key));
      pools.put(key, pool);
      pool.start();
      if (paused) {
        pool.pause(); // a pool born during PAUSE holds its clients like the others
      }
      return pool;
    }
  }

  /** A connection from the key's pool; a pool removed between lookup and acquire is made afresh. */
  public CompletableFuture<C> acquire(PoolKey key, Object affinity) {
    while (true) {
      Pool<C> pool = pool(key);
      CompletableFuture<C> connection = pool.acquire(affinity);
      if (closed || !connection.isCompletedExceptionally() || pools.get(key) == pool) {
        return connection;
      }
    }
  }

  /** The configured pool: started now, never removed as unused. */
  public Pool<C> pin(PoolKey key) {
    pinned.add(key);
    return pool(key);
  }

  /** The pool of a key if a client or the warm-up created it. */
  public Optional<Pool<C>> find(PoolKey key) {
    return Optional.ofNullable(pools.get(key));
  }

  public Collection<Map.Entry<PoolKey, Pool<C>>> pools() {
    return List.copyOf(pools.entrySet());
  }

  /** Removes the key's pool now if no client holds or waits for a connection (its database does not exist). */
  public boolean removeIfQuiet(PoolKey key) {
    return removeIf(key, pool -> pool.isUnused(Duration.ZERO));
  }

  // The sweep: pools nobody is logged in to and nobody used for the idle timeout.
  private void removeUnused() {
    if (closed) {
      return;
    }
    Duration timeout = limits.idleTimeout();
    Set<PoolKey> held = inUse.get();
    for (PoolKey key : List.copyOf(pools.keySet())) {
      if (!held.contains(key)) {
        removeIf(key, pool -> pool.isUnused(timeout));
      }
    }
  }

  private boolean removeIf(PoolKey key, Predicate<Pool<C>> unused) {
    Pool<C> pool;
    synchronized (membership) {
      pool = pools.get(key);
      if (pool == null || pinned.contains(key) || !unused.test(pool)) {
        return false;
      }
      pools.remove(key);
      pool.close(); // first: closing its idle connections still reports to its meters
      removed.accept(key);
    }
    return true;
  }

  /** New sizes and timers for every pool; sessions and connections stay. */
  public void updateSettings(PoolSettings newSettings, PoolLimits newLimits) {
    settings = newSettings;
    limits = newLimits;
    pools.values().forEach(pool -> pool.updateSettings(newSettings));
  }

  /** Retires every pool's connections (the upstream or its credentials changed). */
  public void drainAll() {
    pools.values().forEach(Pool::drain);
  }

  public CompletableFuture<Void> pauseAll() {
    paused = true;
    return CompletableFuture.allOf(pools.values().stream().map(Pool::pause).toArray(CompletableFuture[]::new));
  }

  public void resumeAll() {
    paused = false;
    pools.values().forEach(Pool::resume);
  }

  @Override
  public void close() {
    closed = true;
    sweep.cancel(false);
    pools.values().forEach(Pool::close);
  }
}
