package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import org.postgresml.operator.api.PgmlProxy;

/** Metadata every object of a fleet starts from. */
final class ObjectMetas {

  private ObjectMetas() {
  }

  static ObjectMeta of(PgmlProxy proxy, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(proxy.getMetadata().getNamespace())
        .withLabels(FleetNames.labels(proxy))
        .build();
  }
}
