package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import org.postgresml.operator.api.PgmlProxy;

/** Limits how many proxy pods a node drain takes down at once. */
public final class PodDisruptionBudgetRenderer {

  private PodDisruptionBudgetRenderer() {
  }

  public static PodDisruptionBudget render(PgmlProxy proxy) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.fleet(proxy)))
        .withNewSpec()
          .withMaxUnavailable(new IntOrString(proxy.getSpec().podDisruptionBudget.maxUnavailable))
          .withNewSelector().withMatchLabels(FleetNames.selectorLabels(proxy)).endSelector()
        .endSpec()
        .build();
  }
}
