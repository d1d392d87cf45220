package org.postgresml.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A CRD {@code integer} is int64; the operator reads most of them into an int. Every integer of the
 * schema has a maximum, or a CEL rule of an enclosing object bounds it (the int32 fields of the
 * embedded Kubernetes types), or the model holds it as a long. A new integer without either fails
 * here, before {@code replicas: 3000000000} can be stored.
 */
class CrdIntegerBoundsTest {

  /** Integers bounded by a CEL rule above them (see PodTemplateOverrides), or read into a long. */
  private static final Map<String, String> BOUNDED_ELSEWHERE = Map.of(
      "spec.podTemplate.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[].weight", "CEL",
      "spec.podTemplate.affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution[].weight", "CEL",
      "spec.podTemplate.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[].weight", "CEL",
      "spec.podTemplate.topologySpreadConstraints[].maxSkew", "CEL",
      "spec.podTemplate.topologySpreadConstraints[].minDomains", "CEL",
      "spec.podTemplate.tolerations[].tolerationSeconds", "long",
      "spec.cache.generation", "long");

  @Test
  void everyIntegerTheOperatorReadsIsBounded() throws IOException {
    JsonNode crd = new YAMLMapper().readTree(Path.of(System.getProperty("crd.generated",
        "target/classes/META-INF/fabric8/pgmlproxies.postgresml.org-v1.yml")).toFile());
    JsonNode schema = crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema");
    Map<String, String> unbounded = new TreeMap<>();
    walk(schema.path("properties").path("spec"), "spec", unbounded);

    assertThat(unbounded).as("integers without a maximum").isEqualTo(new TreeMap<>(BOUNDED_ELSEWHERE));
  }

  private static void walk(JsonNode node, String path, Map<String, String> unbounded) {
    if ("integer".equals(node.path("type").asText()) && !node.has("maximum")) {
      unbounded.put(path, BOUNDED_ELSEWHERE.getOrDefault(path, "unbounded"));
    }
    node.path("properties").fields().forEachRemaining(field -> walk(field.getValue(), path + "." + field.getKey(),
        unbounded));
    if (node.has("items")) {
      walk(node.path("items"), path + "[]", unbounded);
    }
    if (node.has("additionalProperties") && node.path("additionalProperties").isObject()) {
      walk(node.path("additionalProperties"), path + "{}", unbounded);
    }
  }
}
