package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.HorizontalPodAutoscalerRenderer;

/** The HorizontalPodAutoscaler, when spec.autoscaling is set. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class HorizontalPodAutoscalerDependent extends OwnedDependent<HorizontalPodAutoscaler> {

  public HorizontalPodAutoscalerDependent() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(PgmlProxy primary, Context<PgmlProxy> context) {
    if (primary.getSpec().autoscaling == null) {
      // Only its identity matters: JOSDK deletes an existing autoscaler of this name.
      return new HorizontalPodAutoscalerBuilder().withMetadata(Identity.of(primary)).build();
    }
    return HorizontalPodAutoscalerRenderer.render(primary);
  }
}
