package org.postgresml.proxy.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A proxy for the console to show, with the rows it is given (by default one idle pool, one stats
 * row, one setting); counts the commands that would change it.
 */
public final class StubAdminContext implements AdminContext {

  private final AtomicInteger levers = new AtomicInteger();
  private Runnable onShutdown = () -> {};
  private final List<PoolInfo> pools;
  private final List<StatsInfo> stats;
  private final List<ConfigEntry> config;
  private final String version;

  public StubAdminContext() {
    this(List.of(new PoolInfo("db", "user", 1, 0, 1, 0, 0, 0, 0, 0, "session")),
        List.of(new StatsInfo("db", 1, 1, 1, 1, 1, 1, 1)), List.of(new ConfigEntry("pool.size", "20", "20", true)),
        "pgml-proxy stub");
  }

  public StubAdminContext(List<PoolInfo> pools, List<StatsInfo> stats, List<ConfigEntry> config, String version) {
    this.pools = List.copyOf(pools);
    this.stats = List.copyOf(stats);
    this.config = List.copyOf(config);
    this.version = version;
  }

  /** What SHUTDOWN does besides counting (say, what a drain with no grace does to a session). */
  public StubAdminContext onShutdown(Runnable action) {
    onShutdown = action;
    return this;
  }

  /** RELOAD, PAUSE, RESUME and SHUTDOWN run so far. */
  public int leversPulled() {
    return levers.get();
  }

  @Override
  public List<PoolInfo> pools() {
    return pools;
  }

  @Override
  public List<ConnectionInfo> clients() {
    return List.of();
  }

  @Override
  public List<ConnectionInfo> servers() {
    return List.of();
  }

  @Override
  public List<StatsInfo> stats() {
    return stats;
  }

  @Override
  public List<ConfigEntry> config() {
    return config;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public CompletionStage<Void> reload() {
    levers.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> pause() {
    levers.incrementAndGet();
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void resume() {
    levers.incrementAndGet();
  }

  @Override
  public void shutdown() {
    levers.incrementAndGet();
    onShutdown.run();
  }
}
