package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.NetworkPolicyRenderer;

/** The NetworkPolicy, when spec.networkPolicy is set. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class NetworkPolicyDependent extends OwnedDependent<NetworkPolicy> {

  public NetworkPolicyDependent() {
    super(NetworkPolicy.class);
  }

  @Override
  protected NetworkPolicy desired(PgmlProxy primary, Context<PgmlProxy> context) {
    if (primary.getSpec().networkPolicy == null) {
      // Only its identity matters: JOSDK deletes an existing NetworkPolicy of this name.
      return new NetworkPolicyBuilder().withMetadata(Identity.of(primary)).build();
    }
    return NetworkPolicyRenderer.render(primary);
  }
}
