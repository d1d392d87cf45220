package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.ClientAuthSecretRenderer;

/**
 * The generated client credentials: created once, never updated, so the password clients were
 * given stays valid (a Creator without Updater, and any existing Secret matches).
 */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class ClientAuthSecretDependent extends KubernetesDependentResource<Secret, PgmlProxy>
    implements Creator<Secret, PgmlProxy>, GarbageCollected<PgmlProxy> {

  public ClientAuthSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(PgmlProxy primary, Context<PgmlProxy> context) {
    return ClientAuthSecretRenderer.render(primary, ClientAuthSecretRenderer::newPassword);
  }

  @Override
  public Matcher.Result<Secret> match(Secret actual, PgmlProxy primary, Context<PgmlProxy> context) {
    return Matcher.Result.nonComputed(true);
  }
}
