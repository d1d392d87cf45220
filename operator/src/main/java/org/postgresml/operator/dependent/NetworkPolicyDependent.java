package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.NetworkPolicyRenderer;

/** The NetworkPolicy, when spec.networkPolicy is set. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class NetworkPolicyDependent extends CRUDKubernetesDependentResource<NetworkPolicy, PgmlProxy> {

  public NetworkPolicyDependent() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(PgmlProxy primary, Context<PgmlProxy> context) {
    return NetworkPolicyRenderer.render(primary);
  }
}
