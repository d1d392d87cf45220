package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresml.operator.api.PgmlProxy;

/** Metadata every object of a fleet starts from. */
final class ObjectMetas {

  private ObjectMetas() {
  }

  /** With the user's extra labels; the fleet's own labels win, so selectors keep working. */
  static ObjectMeta of(PgmlProxy proxy, String name, Map<String, String> extraLabels) {
    ObjectMeta metadata = of(proxy, name);
    Map<String, String> labels = new LinkedHashMap<>(extraLabels);
    labels.putAll(metadata.getLabels());
    metadata.setLabels(labels);
    return metadata;
  }

  static ObjectMeta of(PgmlProxy proxy, String name) {
    return new ObjectMetaBuilder()
        .withName(name)
        .withNamespace(proxy.getMetadata().getNamespace())
        .withLabels(FleetNames.labels(proxy))
        .build();
  }
}
