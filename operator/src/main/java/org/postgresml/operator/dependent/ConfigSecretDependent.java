package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.ConfigSecretRenderer;
import org.postgresml.operator.render.ProxyConfigRenderer;

/** The Secret with the rendered proxy configuration. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class ConfigSecretDependent extends OwnedDependent<Secret> {

  public ConfigSecretDependent() {
    super(Secret.class);
  }

  @Override
  protected Secret desired(PgmlProxy primary, Context<PgmlProxy> context) {
    String config = ProxyConfigRenderer.render(primary, WorkflowInputs.get(context).clientUsername());
    return ConfigSecretRenderer.render(primary, config);
  }
}
