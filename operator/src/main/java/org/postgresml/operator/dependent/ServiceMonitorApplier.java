package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Objects;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.render.ServiceMonitorRenderer;

/**
 * Keeps the ServiceMonitor in line with the spec. Not a JOSDK dependent: JOSDK 5.2 builds an
 * informer for a dependent even while its activation condition is false, and for a kind whose CRD
 * is absent that fails every reconciliation. So this applies it with plain client calls, only
 * while the CRD exists, and writes only when it differs.
 */
public final class ServiceMonitorApplier {

  private static final ResourceDefinitionContext KIND = new ResourceDefinitionContext.Builder()
      .withGroup(ServiceMonitorRenderer.GROUP)
      .withVersion(ServiceMonitorRenderer.VERSION)
      .withKind(ServiceMonitorRenderer.KIND)
      .withPlural(ServiceMonitorRenderer.PLURAL)
      .withNamespaced(true)
      .build();

  private final KubernetesClient client;

  public ServiceMonitorApplier(KubernetesClient client) {
    this.client = client;
  }

  /** @param crdPresent whether the cluster knows the kind at all */
  public void apply(PgmlProxy proxy, boolean crdPresent) {
    if (!crdPresent) {
      return;
    }
    var monitors = client.genericKubernetesResources(KIND).inNamespace(proxy.getMetadata().getNamespace());
    GenericKubernetesResource existing = monitors.withName(FleetNames.fleet(proxy)).get();
    boolean ownedByProxy = existing != null && existing.getMetadata().getOwnerReferences() != null
        && existing.getMetadata().getOwnerReferences().stream()
            .anyMatch(ref -> Objects.equals(ref.getUid(), proxy.getMetadata().getUid()));
    if (!proxy.getSpec().monitoring.serviceMonitor) {
      if (ownedByProxy) {
        monitors.resource(existing).delete();
      }
      return;
    }
    GenericKubernetesResource desired = ServiceMonitorRenderer.render(proxy);
    desired.getMetadata().setOwnerReferences(List.of(ownerReference(proxy)));
    if (existing == null) {
      monitors.resource(desired).create();
    } else if (!Objects.equals(existing.get("spec"), desired.get("spec"))
        || !Objects.equals(existing.getMetadata().getLabels(), desired.getMetadata().getLabels())) {
      desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      monitors.resource(desired).update();
    }
  }

  private static OwnerReference ownerReference(PgmlProxy proxy) {
    return new OwnerReferenceBuilder()
        .withApiVersion(proxy.getApiVersion())
        .withKind(proxy.getKind())
        .withName(proxy.getMetadata().getName())
        .withUid(proxy.getMetadata().getUid())
        .withController(true)
        .withBlockOwnerDeletion(false)
        .build();
  }
}
