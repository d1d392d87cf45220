package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetSecretRenderer;

/** The fleet's cancel-signing secret, created once: running pods and new ones always share it. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class FleetSecretDependent extends CreateOnceSecretDependent {

  @Override
  protected Secret desired(PgmlProxy primary, Context<PgmlProxy> context) {
    return FleetSecretRenderer.render(primary, FleetSecretRenderer::newSecret);
  }
}
