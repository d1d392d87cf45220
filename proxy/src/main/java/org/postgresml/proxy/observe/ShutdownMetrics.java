package org.postgresml.proxy.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The shutdown as a scraper sees it: {@code pgml_proxy_shutdown_phase{phase}} is 1 for the phase the
 * proxy is in and 0 for the others, and two counters say how the sessions of a drain ended.
 */
public final class ShutdownMetrics {

  private final Counter terminated;
  /** Held here: the registry keeps a function counter's object only weakly. */
  private final LongSupplier closedBetweenTransactions;

  /**
   * @param phase the current phase
   * @param closedBetweenTransactions sessions a drain ended at a transaction boundary so far
   */
  public ShutdownMetrics(MeterRegistry registry, Supplier<ShutdownPhase> phase, LongSupplier closedBetweenTransactions) {
    this.closedBetweenTransactions = closedBetweenTransactions;
    for (ShutdownPhase each : ShutdownPhase.values()) {
      Gauge.builder("pgml_proxy_shutdown_phase", () -> phase.get() == each ? 1 : 0).tag("phase", each.label())
          .description("1 for the shutdown phase the proxy is in (serving while it is not stopping)")
          .register(registry);
    }
    FunctionCounter.builder("pgml_proxy_shutdown_sessions_closed", closedBetweenTransactions,
            counted -> counted.getAsLong())
        .description("sessions a shutdown closed between transactions (57P01)").register(registry);
    terminated = Counter.builder("pgml_proxy_shutdown_sessions_terminated")
        .description("sessions still open when timeouts.shutdown ran out, ended with 57P01").register(registry);
  }

  public void terminated(int sessions) {
    terminated.increment(sessions);
  }
}
