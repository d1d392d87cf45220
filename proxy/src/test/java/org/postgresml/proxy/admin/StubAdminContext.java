package org.postgresml.proxy.admin;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** A proxy with nothing in it for the console to show; counts the commands that would change it. */
public final class StubAdminContext implements AdminContext {

  private final AtomicInteger levers = new AtomicInteger();
  private Runnable onShutdown = () -> {};

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
    return List.of(new PoolInfo("db", "user", 1, 0, 1, 0, 0, 0, 0, 0, "session"));
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
    return List.of(new StatsInfo("db", 1, 1, 1, 1, 1, 1, 1));
  }

  @Override
  public List<ConfigEntry> config() {
    return List.of(new ConfigEntry("pool.size", "20", "20", true));
  }

  @Override
  public String version() {
    return "pgml-proxy stub";
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
