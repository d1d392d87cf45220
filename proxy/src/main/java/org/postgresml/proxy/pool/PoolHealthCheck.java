package org.postgresml.proxy.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One health check of an idle connection ({@link PooledConnection#checkHealth}), bounded in time:
 * a check that gets no answer fails after the limit (server_connect_timeout). A connection whose
 * peer silently vanished (a NAT that forgot the flow) would otherwise hold its pool slot until TCP
 * keepalive.
 */
final class PoolHealthCheck {

  private PoolHealthCheck() {}

  /** Completes with true only when the server answered healthy in time; never exceptionally. */
  static CompletableFuture<Boolean> run(PooledConnection connection, long limitNanos, ScheduledExecutorService timer) {
    CompletableFuture<Boolean> verdict = new CompletableFuture<>();
    ScheduledFuture<?> deadline = timer.schedule(() -> verdict.complete(false), limitNanos, TimeUnit.NANOSECONDS);
    try {
      connection.checkHealth().whenComplete((healthy, failure) -> {
        deadline.cancel(false);
        verdict.complete(failure == null && Boolean.TRUE.equals(healthy));
      });
    } catch (RuntimeException e) {
      deadline.cancel(false);
      verdict.complete(false);
    }
    return verdict;
  }
}
