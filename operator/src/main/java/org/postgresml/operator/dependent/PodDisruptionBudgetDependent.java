package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.PodDisruptionBudgetRenderer;

/** The fleet's PodDisruptionBudget (unless disabled). */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class PodDisruptionBudgetDependent extends OwnedDependent<PodDisruptionBudget> {

  public PodDisruptionBudgetDependent() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(PgmlProxy primary, Context<PgmlProxy> context) {
    return PodDisruptionBudgetRenderer.render(primary);
  }
}
