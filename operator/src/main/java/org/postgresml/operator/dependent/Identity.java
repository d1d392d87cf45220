package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;

/**
 * Name and namespace of an optional dependent that is switched off: JOSDK still asks for a desired
 * object to find the one to delete, and the spec section it would render from is gone.
 */
final class Identity {

  private Identity() {
  }

  static ObjectMeta of(PgmlProxy primary) {
    return new ObjectMetaBuilder()
        .withName(FleetNames.fleet(primary))
        .withNamespace(primary.getMetadata().getNamespace())
        .build();
  }
}
