package org.postgresml.bench.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.status.PgmlProxyStatus;
import org.postgresml.operator.reconciler.ConditionTypes;

class FleetCensusTest {

  private final ScaleFleet fleet = new ScaleFleet("scale", 3);

  @Test
  void aDefaultFleetHasSevenDependents() {
    assertThat(FleetCensus.expected(fleet.proxy("p"))).extracting(FleetCensus.Dependent::name)
        .containsExactlyInAnyOrder("p-config", "p-fleet", "p-client-auth", "p", "p", "p-peers", "p");
  }

  @Test
  void countsStatusOfTheCurrentGenerationThenDependentsThenReady() {
    PgmlProxy noStatus = withGeneration(fleet.proxy("a"), 1);
    PgmlProxy oldStatus = withStatus(withGeneration(fleet.proxy("b"), 2), 1, "False");
    PgmlProxy ready = withStatus(withGeneration(fleet.proxy("c"), 1), 1, "True");
    PgmlProxy rollingOut = withStatus(withGeneration(fleet.proxy("d"), 1), 1, "False");
    Set<FleetCensus.Dependent> existing = new HashSet<>(FleetCensus.expected(ready));
    existing.addAll(FleetCensus.expected(rollingOut).subList(0, 3)); // d lacks its Deployment and Services

    FleetCensus.Count count = FleetCensus.count(List.of(noStatus, oldStatus, ready, rollingOut), existing);

    assertThat(count).isEqualTo(new FleetCensus.Count(4, 2, 1, 1));
    assertThat(FleetCensus.count(List.of(ready), Set.of()).complete()).isZero();
  }

  private static PgmlProxy withGeneration(PgmlProxy proxy, long generation) {
    proxy.getMetadata().setGeneration(generation);
    proxy.setStatus(null);
    return proxy;
  }

  private static PgmlProxy withStatus(PgmlProxy proxy, long observed, String ready) {
    PgmlProxyStatus status = new PgmlProxyStatus();
    status.observedGeneration = observed;
    status.conditions.add(new ConditionBuilder().withType(ConditionTypes.READY).withStatus(ready).build());
    proxy.setStatus(status);
    return proxy;
  }
}
