package org.postgresml.proxy.cancel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of fleet-wide cancel, on the proxy's /metrics. */
public final class FleetCancelMetrics {

  private final Counter forwarded;
  private final Counter forwardFailures;
  private final Counter accepted;
  private final Counter rejected;

  public FleetCancelMetrics(MeterRegistry registry) {
    forwarded = Counter.builder("pgml_proxy_fleet_cancels_forwarded")
        .description("client cancels for a key this replica does not hold, forwarded to the peers").register(registry);
    forwardFailures = Counter.builder("pgml_proxy_fleet_cancel_forward_failures")
        .description("forwards that did not reach a peer (unreachable, or too many in flight)").register(registry);
    accepted = Counter.builder("pgml_proxy_fleet_peer_cancels").tag("outcome", "accepted")
        .description("cancels received from peers, by outcome").register(registry);
    rejected = Counter.builder("pgml_proxy_fleet_peer_cancels").tag("outcome", "rejected")
        .description("cancels received from peers, by outcome").register(registry);
  }

  void forwarded() {
    forwarded.increment();
  }

  void forwardFailed() {
    forwardFailures.increment();
  }

  void accepted() {
    accepted.increment();
  }

  void rejected() {
    rejected.increment();
  }
}
