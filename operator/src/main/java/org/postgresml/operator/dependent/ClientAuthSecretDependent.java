package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.ClientAuthSecretRenderer;

/** The generated client credentials, created once, so the password clients were given stays valid. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class ClientAuthSecretDependent extends CreateOnceSecretDependent {

  @Override
  protected Secret desired(PgmlProxy primary, Context<PgmlProxy> context) {
    return ClientAuthSecretRenderer.render(primary, ClientAuthSecretRenderer::newPassword);
  }
}
