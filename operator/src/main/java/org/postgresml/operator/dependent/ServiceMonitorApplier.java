package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.render.ServiceMonitorRenderer;

/**
 * Keeps the ServiceMonitor in line with the spec. Not a JOSDK dependent: JOSDK 5.2 builds an
 * informer for a dependent even while its activation condition is false, and for a kind whose CRD
 * is absent that fails every reconciliation. So this applies it with plain client calls, only
 * while the CRD exists, and writes only when it differs. It writes by server-side apply under the
 * controller's field manager, as JOSDK writes the dependents: labels or annotations that others
 * add (a policy engine, Argo CD's tracking label) stay, where a PUT of the rendered object would
 * drop them.
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

  /** Applies under the controller's field manager, unless the operator runs without server-side apply. */
  public void apply(PgmlProxy proxy, boolean crdPresent, Context<PgmlProxy> context) {
    var configuration = context.getControllerConfiguration();
    apply(proxy, crdPresent, configuration.getConfigurationService().ssaBasedCreateUpdateMatchForDependentResources()
        ? Optional.of(configuration.fieldManager()) : Optional.empty());
  }

  /**
   * @param crdPresent whether the cluster knows the kind at all
   * @param fieldManager server-side apply under this field manager; empty: create or update (the
   *     mock API server of the tests lacks server-side apply)
   */
  public void apply(PgmlProxy proxy, boolean crdPresent, Optional<String> fieldManager) {
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
    ControllerReference.set(desired, proxy);
    if (existing != null && isAsDesired(existing, desired)) {
      return;
    }
    if (fieldManager.isPresent()) {
      monitors.resource(desired).fieldManager(fieldManager.get()).forceConflicts().serverSideApply();
    } else if (existing == null) {
      monitors.resource(desired).create();
    } else {
      desired.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
      monitors.resource(desired).update();
    }
  }

  /** The same spec, the fleet's labels among the existing ones, and the PgmlProxy as its controller. */
  private static boolean isAsDesired(GenericKubernetesResource existing, GenericKubernetesResource desired) {
    Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of()
        : existing.getMetadata().getLabels();
    List<OwnerReference> owners = existing.getMetadata().getOwnerReferences() == null ? List.of()
        : existing.getMetadata().getOwnerReferences();
    return Objects.equals(existing.get("spec"), desired.get("spec"))
        && labels.entrySet().containsAll(desired.getMetadata().getLabels().entrySet())
        && owners.containsAll(desired.getMetadata().getOwnerReferences());
  }
}
