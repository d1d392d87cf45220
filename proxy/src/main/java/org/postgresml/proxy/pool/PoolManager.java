package org.postgresml.proxy.pool;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

/**
 * The pools of a proxy, one per {@link PoolKey}, created when the first client of a key arrives
 * (or at start for the configured ones, so their warm connections open before any client).
 */
public final class PoolManager<C extends PooledConnection> implements AutoCloseable {

  private final Map<PoolKey, Pool<C>> pools = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer;
  private final Function<PoolKey, ConnectionFactory<C>> factories;
  private final Function<PoolKey, PoolListener> listeners;
  private volatile PoolSettings settings;
  private volatile boolean closed;
  private volatile boolean paused;

  public PoolManager(PoolSettings settings, ScheduledExecutorService timer,
      Function<PoolKey, ConnectionFactory<C>> factories, Function<PoolKey, PoolListener> listeners) {
    this.settings = settings;
    this.timer = timer;
    this.factories = factories;
    this.listeners = listeners;
  }

  /** The pool of a key, started on first use. */
  public Pool<C> pool(PoolKey key) {
    if (closed) {
      throw new PoolClosedException(key.toString());
    }
    return pools.computeIfAbsent(key, k -> {
      Pool<C> pool = new Pool<>(k.toString(), settings, factories.apply(k), timer, listeners.apply(k));
      pool.start();
      if (paused) {
        pool.pause(); // a pool born during PAUSE holds its clients like the others
      }
      return pool;
    });
  }

  /** The pool of a key if a client or the warm-up created it. */
  public java.util.Optional<Pool<C>> find(PoolKey key) {
    return java.util.Optional.ofNullable(pools.get(key));
  }

  public Collection<Map.Entry<PoolKey, Pool<C>>> pools() {
    return List.copyOf(pools.entrySet());
  }

  /** New sizes and timers for every pool; sessions and connections stay. */
  public void updateSettings(PoolSettings newSettings) {
    settings = newSettings;
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
    pools.values().forEach(Pool::close);
  }
}
