package org.postgresml.operator.apiserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The stand-in API server merges a PgmlProxy's lists as the CRD declares them: map-type lists by their keys. */
class ListKeysTest {

  @Test
  void everyMapTypeListOfTheCrdIsKeyedAsItSays() throws IOException {
    JsonNode crd = new YAMLMapper().readTree(Path.of(System.getProperty("crd.generated",
        "target/classes/META-INF/fabric8/pgmlproxies.postgresml.org-v1.yml")).toFile());
    Map<String, List<String>> declared = new TreeMap<>();
    walk(crd.path("spec").path("versions").get(0).path("schema").path("openAPIV3Schema"), "", declared);

    assertThat(declared).containsOnlyKeys("spec.cache.functions");
    declared.forEach((path, keys) -> assertThat(ListKeys.of("PgmlProxy", path)).as(path).isEqualTo(keys));
  }

  private static void walk(JsonNode node, String path, Map<String, List<String>> declared) {
    if ("map".equals(node.path("x-kubernetes-list-type").asText())) {
      List<String> keys = new ArrayList<>();
      node.path("x-kubernetes-list-map-keys").forEach(key -> keys.add(key.asText()));
      declared.put(path, keys);
    }
    node.path("properties").fields().forEachRemaining(field ->
        walk(field.getValue(), path.isEmpty() ? field.getKey() : path + "." + field.getKey(), declared));
    if (node.path("items").isObject()) {
      walk(node.path("items"), path, declared);
    }
  }
}
