package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.PgmlProxySpec;

/** Every object the operator creates for one PgmlProxy, in the order it creates them. */
public final class FleetRenderer {

  private FleetRenderer() {
  }

  public static List<HasMetadata> render(PgmlProxy proxy, RenderInputs inputs, Supplier<String> newPassword) {
    PgmlProxySpec spec = proxy.getSpec();
    String configYaml = ProxyConfigRenderer.render(proxy, inputs.clientUsername());
    List<HasMetadata> objects = new ArrayList<>();
    objects.add(ConfigSecretRenderer.render(proxy, configYaml));
    if (spec.clientAuth.secretRef == null) {
      objects.add(ClientAuthSecretRenderer.render(proxy, newPassword));
    }
    objects.add(FleetSecretRenderer.render(proxy, FleetSecretRenderer::newSecret));
    objects.add(DeploymentRenderer.render(proxy, inputs));
    objects.add(ServiceRenderer.render(proxy));
    objects.add(PeersServiceRenderer.render(proxy));
    if (spec.podDisruptionBudget.enabled) {
      objects.add(PodDisruptionBudgetRenderer.render(proxy));
    }
    if (spec.autoscaling != null) {
      objects.add(HorizontalPodAutoscalerRenderer.render(proxy));
    }
    if (spec.networkPolicy != null) {
      objects.add(NetworkPolicyRenderer.render(proxy));
    }
    if (spec.monitoring.serviceMonitor && inputs.serviceMonitorSupported()) {
      objects.add(ServiceMonitorRenderer.render(proxy));
    }
    return objects;
  }
}
