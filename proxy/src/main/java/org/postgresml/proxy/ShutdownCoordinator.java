package org.postgresml.proxy;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.postgresml.proxy.observe.ShutdownMetrics;
import org.postgresml.proxy.observe.ShutdownPhase;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.session.ClientSession;
import org.postgresml.proxy.session.SessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain policy of a stopping proxy, phase by phase (docs/proxy.md). A Service or a load balancer
 * learns of a stopping pod seconds late, so the proxy first only says it is not ready and goes on
 * serving for the grace; then it stops accepting and ends each session between two of its
 * transactions, as PostgreSQL's smart shutdown would let them finish; whoever is still inside a
 * transaction when the shutdown timeout runs out gets 57P01. Each phase is logged once and shown in
 * {@code pgml_proxy_shutdown_phase}.
 */
final class ShutdownCoordinator {

  private static final Logger LOG = LoggerFactory.getLogger(ShutdownCoordinator.class);
  /** After the 57P01s are written: how long their sockets get to close before the threads stop anyway. */
  private static final Duration TERMINATED_CLOSE_WAIT = Duration.ofSeconds(5);

  private final SessionRegistry sessions;
  private final Runnable stopAccepting;
  private final ShutdownMetrics metrics;
  private volatile ShutdownPhase phase = ShutdownPhase.SERVING;

  /**
   * @param stopAccepting closes the listener; returns once it no longer accepts
   */
  ShutdownCoordinator(SessionRegistry sessions, Runnable stopAccepting, MeterRegistry meters) {
    this.sessions = sessions;
    this.stopAccepting = stopAccepting;
    this.metrics = new ShutdownMetrics(meters, this::phase, sessions::closedBetweenTransactionsCount);
  }

  ShutdownPhase phase() {
    return phase;
  }

  /** From the first phase on: /readyz answers 503. */
  boolean isStopping() {
    return phase != ShutdownPhase.SERVING;
  }

  /**
   * Runs the phases on the calling thread and returns when no session is left (or, past the shutdown
   * timeout, when their 57P01s had a moment to go out).
   *
   * @param grace how long to keep accepting while not ready
   * @param timeout how long sessions inside a transaction may go on once accepting stopped
   */
  void drain(Duration grace, Duration timeout) {
    enter(ShutdownPhase.GRACE);
    LOG.atInfo().addKeyValue("grace_ms", grace.toMillis()).addKeyValue("sessions", sessions.size())
        .log("shutting down: /readyz is 503, new clients are still served during the grace");
    try {
      // A wait for time itself: the load balancers' endpoint update is what is being waited for.
      TimeUnit.NANOSECONDS.sleep(grace.toNanos());
      stopAccepting.run();
      enter(ShutdownPhase.DRAINING);
      LOG.atInfo().addKeyValue("sessions", sessions.size()).addKeyValue("timeout_ms", timeout.toMillis())
          .log("draining: no new clients, sessions end at their next transaction boundary");
      sessions.closeBetweenTransactions();
      if (!sessions.awaitEmpty(timeout)) {
        enter(ShutdownPhase.TERMINATING);
        int left = sessions.size();
        metrics.terminated(left);
        LOG.atInfo().addKeyValue("sessions", left)
            .log("shutdown timeout reached, terminating the sessions still inside a transaction");
        sessions.terminateAll(SqlState.ADMIN_SHUTDOWN, ClientSession.SHUTDOWN_MESSAGE);
        sessions.awaitEmpty(TERMINATED_CLOSE_WAIT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopAccepting.run();
      sessions.terminateAll(SqlState.ADMIN_SHUTDOWN, ClientSession.SHUTDOWN_MESSAGE);
    }
    enter(ShutdownPhase.STOPPED);
  }

  private void enter(ShutdownPhase next) {
    phase = next;
  }
}
