package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.MockClusterTest;

/** A ServiceMonitor only where Prometheus Operator's CRD exists; otherwise a condition says why not. */
class ServiceMonitorIT extends MockClusterTest {

  static final ResourceDefinitionContext SERVICE_MONITORS = new ResourceDefinitionContext.Builder()
      .withGroup("monitoring.coreos.com").withVersion("v1").withKind("ServiceMonitor").withPlural("servicemonitors")
      .withNamespaced(true).build();

  @Test
  void skippedWithAConditionUntilTheCrdExistsThenCreatedAndRemovedOnRequest() {
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    PgmlProxy proxy = Fixtures.proxy("watched");
    proxy.getSpec().monitoring.serviceMonitor = true;
    proxy.getSpec().monitoring.labels.put("release", "prometheus");
    client.resource(proxy).create();

    PgmlProxy skipped = awaitCondition("watched", ConditionTypes.MONITORING_SKIPPED, "True",
        ConditionTypes.REASON_SERVICE_MONITOR_CRD_MISSING);
    assertThat(condition(skipped, ConditionTypes.MONITORING_SKIPPED).orElseThrow().getMessage())
        .contains("no ServiceMonitor CRD");
    assertThat(serviceMonitor("watched")).isEmpty();

    client.apiextensions().v1().customResourceDefinitions().resource(serviceMonitorCrd()).create();

    GenericKubernetesResource monitor = await().atMost(WAIT).until(() -> serviceMonitor("watched"), Optional::isPresent)
        .get();
    assertThat(monitor.getMetadata().getLabels()).containsEntry("release", "prometheus");
    assertThat(monitor.getMetadata().getOwnerReferences()).singleElement()
        .satisfies(ref -> assertThat(ref.getUid()).isEqualTo(proxy("watched").getMetadata().getUid()));
    awaitStatus("watched", p -> condition(p, ConditionTypes.MONITORING_SKIPPED).isEmpty());

    editSpec("watched", spec -> spec.monitoring.serviceMonitor = false);
    await().atMost(WAIT).until(() -> serviceMonitor("watched").isEmpty());
  }

  private static Optional<GenericKubernetesResource> serviceMonitor(String name) {
    return Optional.ofNullable(client.genericKubernetesResources(SERVICE_MONITORS).inNamespace(Fixtures.NAMESPACE)
        .withName(name).get());
  }

  static CustomResourceDefinition serviceMonitorCrd() {
    return new CustomResourceDefinitionBuilder()
        .withNewMetadata().withName("servicemonitors.monitoring.coreos.com").endMetadata()
        .withNewSpec()
          .withGroup("monitoring.coreos.com").withScope("Namespaced")
          .withNewNames().withKind("ServiceMonitor").withPlural("servicemonitors").withSingular("servicemonitor")
          .endNames()
          .addNewVersion().withName("v1").withServed(true).withStorage(true)
            .withNewSchema().withNewOpenAPIV3Schema().withType("object").withXKubernetesPreserveUnknownFields(true)
            .endOpenAPIV3Schema().endSchema()
          .endVersion()
        .endSpec()
        .build();
  }
}
