package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.ServiceRenderer;

/** The Service clients connect to. */
@KubernetesDependent(informer = @Informer(labelSelector = ManagedLabels.SELECTOR))
public class ServiceDependent extends OwnedDependent<Service> {

  public ServiceDependent() {
    super(Service.class);
  }

  @Override
  protected Service desired(PgmlProxy primary, Context<PgmlProxy> context) {
    return ServiceRenderer.render(primary);
  }
}
