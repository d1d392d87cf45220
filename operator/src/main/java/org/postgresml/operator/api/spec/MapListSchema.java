package org.postgresml.operator.api.spec;

import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;

/**
 * Marks a list property of the annotated class as a map-type list (the Kubernetes Go types'
 * {@code +listType=map}), keyed by the fields given: {@code @SchemaCustomizer(value = MapListSchema.class,
 * input = "functions:name")}. The CRD generator runs it at build time; Fabric8 has no annotation for
 * it, and its merge-patch customizer replaces the whole properties map.
 */
public final class MapListSchema implements SchemaCustomizer.Customizer {

  @Override
  public JSONSchemaProps apply(JSONSchemaProps props, String input, KubernetesSerialization serialization) {
    int colon = input.indexOf(':');
    String property = input.substring(0, colon);
    JSONSchemaProps list = props.getProperties().get(property);
    if (list == null || !"array".equals(list.getType())) {
      throw new IllegalArgumentException(property + " is not a list property of this schema");
    }
    list.setXKubernetesListType("map");
    list.setXKubernetesListMapKeys(List.of(input.substring(colon + 1).split(",")));
    return props;
  }
}
