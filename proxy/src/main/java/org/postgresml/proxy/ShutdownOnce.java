package org.postgresml.proxy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The proxy's one shutdown: the drain ({@link ShutdownCoordinator}), then the stop of everything
 * else. SIGTERM, SIGINT, the admin SHUTDOWN and close may each ask; the first runs it, the others
 * wait until it is over.
 */
final class ShutdownOnce {

  private final ShutdownCoordinator drain;
  private final Runnable stop;
  private final AtomicBoolean started = new AtomicBoolean();
  /** Completes when the first shutdown has finished; later calls wait for it. */
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  /** @param stop closes what the drain leaves open (ports, pools, threads), once no session is left */
  ShutdownOnce(ShutdownCoordinator drain, Runnable stop) {
    this.drain = drain;
    this.stop = stop;
  }

  /** Runs the drain and the stop on the calling thread, or waits for the run already begun. */
  void run(Duration grace, Duration timeout) {
    if (!started.compareAndSet(false, true)) {
      stopped.join(); // the admin SHUTDOWN and then SIGTERM: one drain, both return when it is done
      return;
    }
    try {
      drain.drain(grace, timeout);
      stop.run();
      stopped.complete(null);
    } catch (RuntimeException | Error e) {
      stopped.completeExceptionally(e);
      throw e;
    }
  }

  CompletableFuture<Void> stopped() {
    return stopped;
  }
}
