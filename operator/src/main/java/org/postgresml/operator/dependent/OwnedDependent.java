package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import org.postgresml.operator.api.PgmlProxy;

/** A dependent the PgmlProxy creates, updates and owns as its controller. */
abstract class OwnedDependent<R extends HasMetadata> extends CRUDKubernetesDependentResource<R, PgmlProxy> {

  OwnedDependent(Class<R> type) {
    super(type);
  }

  @Override
  protected void addReferenceHandlingMetadata(R desired, PgmlProxy primary) {
    ControllerReference.set(desired, primary);
  }
}
