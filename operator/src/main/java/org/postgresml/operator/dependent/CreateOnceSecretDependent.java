package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import org.postgresml.operator.api.PgmlProxy;

/**
 * A generated Secret: created once, never updated (a Creator without Updater, and any existing
 * Secret matches), so a generated value that clients or running pods hold stays valid.
 */
abstract class CreateOnceSecretDependent extends KubernetesDependentResource<Secret, PgmlProxy>
    implements Creator<Secret, PgmlProxy>, GarbageCollected<PgmlProxy> {

  CreateOnceSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected void addReferenceHandlingMetadata(Secret desired, PgmlProxy primary) {
    ControllerReference.set(desired, primary);
  }

  @Override
  public Matcher.Result<Secret> match(Secret actual, PgmlProxy primary, Context<PgmlProxy> context) {
    return Matcher.Result.nonComputed(true);
  }
}
