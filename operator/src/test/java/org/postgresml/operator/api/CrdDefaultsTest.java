package org.postgresml.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.render.FleetRenderer;
import org.postgresml.operator.render.RenderInputs;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.Specimens;

/**
 * The defaults live twice, in the CRD (the API server fills them in before the operator reads a
 * PgmlProxy) and in the Java model (render, and API servers that skip defaulting): both must
 * render exactly the same objects, for every example file as a user wrote it.
 */
class CrdDefaultsTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final RenderInputs INPUTS = new RenderInputs("registry.test/pgml-proxy:1", "pgml",
      Map.of("pgml-cloud/DATABASE_URL", "d1"), true);

  static Stream<Path> exampleFiles() throws IOException {
    try (Stream<Path> files = Files.walk(Specimens.EXAMPLES)) {
      return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exampleFiles")
  void crdDefaultsAndJavaDefaultsRenderTheSameObjects(Path file) throws IOException {
    for (Map<String, Object> asWritten : pgmlProxiesAsWritten(file)) {
      PgmlProxy javaDefaults = SERIALIZATION.convertValue(asWritten, PgmlProxy.class);
      PgmlProxy crdDefaults = SERIALIZATION.convertValue(CrdCelRulesTest.CRD.withDefaults(asWritten), PgmlProxy.class);
      for (PgmlProxy proxy : List.of(javaDefaults, crdDefaults)) {
        if (proxy.getMetadata().getNamespace() == null) {
          proxy.getMetadata().setNamespace(Fixtures.NAMESPACE);
        }
      }
      assertThat(rendered(crdDefaults)).as("%s rendered with the CRD's defaults", file)
          .isEqualTo(rendered(javaDefaults));
    }
  }

  private static List<JsonNode> rendered(PgmlProxy proxy) {
    List<JsonNode> objects = new ArrayList<>();
    for (HasMetadata object : FleetRenderer.render(proxy, INPUTS, () -> "generated")) {
      if (object instanceof io.fabric8.kubernetes.api.model.Secret secret
          && secret.getMetadata().getName().equals(org.postgresml.operator.render.FleetNames.fleetSecret(proxy))) {
        secret.setData(Map.of("secret", "(random, generated once)"));
      }
      objects.add(JSON.valueToTree(SERIALIZATION.convertValue(object, Map.class)));
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> pgmlProxiesAsWritten(Path file) throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    List<Map<String, Object>> proxies = new ArrayList<>();
    try (var parser = yaml.getFactory().createParser(file.toFile())) {
      for (JsonNode document : yaml.readValues(parser, JsonNode.class).readAll()) {
        if (document != null && "PgmlProxy".equals(document.path("kind").asText())) {
          proxies.add(JSON.convertValue(document, Map.class));
        }
      }
    }
    return proxies;
  }
}
