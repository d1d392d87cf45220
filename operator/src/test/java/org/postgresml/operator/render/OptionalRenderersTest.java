package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.AutoscalingSpec;
import org.postgresml.operator.api.spec.NetworkPolicySpec;
import org.postgresml.operator.testing.Fixtures;

/** PodDisruptionBudget, HorizontalPodAutoscaler, NetworkPolicy and ServiceMonitor. */
class OptionalRenderersTest {

  @Test
  void podDisruptionBudgetSelectsTheFleet() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().podDisruptionBudget.maxUnavailable = 2;
    PodDisruptionBudget pdb = PodDisruptionBudgetRenderer.render(proxy);
    assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(2);
    assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(FleetNames.selectorLabels(proxy));
  }

  @Test
  void autoscalerScalesThePgmlProxyOnCpu() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().autoscaling = new AutoscalingSpec();
    proxy.getSpec().autoscaling.targetCPUUtilizationPercentage = 55;
    HorizontalPodAutoscaler hpa = HorizontalPodAutoscalerRenderer.render(proxy);
    assertThat(hpa.getSpec().getScaleTargetRef().getApiVersion()).isEqualTo("postgresml.org/v1alpha1");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("PgmlProxy");
    assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("p");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization()).isEqualTo(55);
  }

  @Test
  void networkPolicyAdmitsListedClientsAndScrapers() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().networkPolicy = new NetworkPolicySpec();
    proxy.getSpec().networkPolicy.allowedCIDRs = List.of("10.0.0.0/16", "10.1.0.0/16");
    proxy.getSpec().networkPolicy.metricsNamespaceSelector = new LabelSelectorBuilder()
        .withMatchLabels(Map.of("name", "monitoring")).build();

    NetworkPolicy policy = NetworkPolicyRenderer.render(proxy);

    assertThat(policy.getSpec().getPolicyTypes()).containsExactly("Ingress");
    assertThat(policy.getSpec().getPodSelector().getMatchLabels()).isEqualTo(FleetNames.selectorLabels(proxy));
    var pg = policy.getSpec().getIngress().get(0);
    assertThat(pg.getPorts().get(0).getPort().getIntVal()).isEqualTo(6432);
    assertThat(pg.getFrom()).filteredOn(f -> f.getIpBlock() != null).extracting(f -> f.getIpBlock().getCidr())
        .containsExactly("10.0.0.0/16", "10.1.0.0/16");
    var metrics = policy.getSpec().getIngress().get(1);
    assertThat(metrics.getPorts().get(0).getPort().getIntVal()).isEqualTo(9930);
    assertThat(metrics.getFrom().get(0).getNamespaceSelector().getMatchLabels()).containsEntry("name", "monitoring");
  }

  @Test
  void serviceMonitorScrapesTheHttpPort() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().monitoring.labels.put("release", "prometheus");
    GenericKubernetesResource monitor = ServiceMonitorRenderer.render(proxy);
    assertThat(monitor.getApiVersion()).isEqualTo("monitoring.coreos.com/v1");
    assertThat(monitor.getKind()).isEqualTo("ServiceMonitor");
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    Map<String, Object> endpoint = monitor.get("spec", "endpoints", 0);
    assertThat(endpoint).containsEntry("port", "http").containsEntry("path", "/metrics").containsEntry("interval", "30s");
  }
}
