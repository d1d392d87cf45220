package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.AutoscalingSpec;

/**
 * Scales the PgmlProxy itself through its scale subresource (not the Deployment), so that
 * spec.replicas always tells the truth and the operator stays the Deployment's only writer.
 */
public final class HorizontalPodAutoscalerRenderer {

  private HorizontalPodAutoscalerRenderer() {
  }

  public static HorizontalPodAutoscaler render(PgmlProxy proxy) {
    AutoscalingSpec spec = proxy.getSpec().autoscaling;
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.fleet(proxy)))
        .withNewSpec()
          .withNewScaleTargetRef()
            .withApiVersion(PgmlProxy.GROUP + "/" + PgmlProxy.VERSION)
            .withKind(PgmlProxy.class.getSimpleName())
            .withName(FleetNames.fleet(proxy))
          .endScaleTargetRef()
          .withMinReplicas(spec.effectiveMinReplicas())
          .withMaxReplicas(spec.maxReplicas)
          .addNewMetric()
            .withType("Resource")
            .withNewResource()
              .withName("cpu")
              .withNewTarget()
                .withType("Utilization")
                .withAverageUtilization(spec.targetCPUUtilizationPercentage)
              .endTarget()
            .endResource()
          .endMetric()
        .endSpec()
        .build();
  }
}
