package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetSecretRenderer;

/**
 * The fleet's cancel-signing secret: created once, never updated (a Creator without Updater, and
 * any existing Secret matches), so running pods and new ones always share the same secret.
 */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class FleetSecretDependent extends KubernetesDependentResource<Secret, PgmlProxy>
    implements Creator<Secret, PgmlProxy>, GarbageCollected<PgmlProxy> {

  public FleetSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(PgmlProxy primary, Context<PgmlProxy> context) {
    return FleetSecretRenderer.render(primary, FleetSecretRenderer::newSecret);
  }

  @Override
  public Matcher.Result<Secret> match(Secret actual, PgmlProxy primary, Context<PgmlProxy> context) {
    return Matcher.Result.nonComputed(true);
  }
}
