package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.ValidationPatterns;
import org.postgresml.operator.testing.Specimens;

/**
 * Every object the operator renders, for every example and the all-features spec, checked as the
 * API server would check it: against the models generated from the Kubernetes OpenAPI spec (the
 * official Java client's {@code validateJsonElement}: an unknown field, a missing required field or
 * a wrong type fails), then with the API server's own rules for names, labels, ports and
 * quantities. The ServiceMonitor has no such model here (its CRD's schema is Prometheus
 * Operator's); ServiceMonitorRenderer's test covers its fields.
 *
 * <p>Why this source: the client's models are generated from the published OpenAPI document of a
 * Kubernetes release (24.0.0: Kubernetes 1.32), come from Maven Central like every other test
 * dependency, and run inside {@code ./mvnw verify} with nothing else installed.
 */
class KubernetesOpenApiTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final RenderInputs INPUTS = new RenderInputs("registry.test/pgml-proxy:1.0.0", "pgml",
      Map.of("pgml-cloud/DATABASE_URL", "d1"), true);
  private static final String DNS_1123_LABEL = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  private static final String DNS_1123_SUBDOMAIN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
  private static final String DNS_1035_LABEL = "^[a-z]([-a-z0-9]*[a-z0-9])?$";
  private static final String IANA_SERVICE_NAME = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";

  interface Validator {
    void validate(JsonElement json) throws IOException;
  }

  private static final Map<String, Validator> OPENAPI = Map.of(
      "Secret", V1Secret::validateJsonElement,
      "Deployment", V1Deployment::validateJsonElement,
      "Service", V1Service::validateJsonElement,
      "PodDisruptionBudget", V1PodDisruptionBudget::validateJsonElement,
      "HorizontalPodAutoscaler", V2HorizontalPodAutoscaler::validateJsonElement,
      "NetworkPolicy", V1NetworkPolicy::validateJsonElement);

  static Stream<Arguments> renderedObjects() {
    return Specimens.all().flatMap(specimen -> FleetRenderer.render(specimen.getValue(), INPUTS, () -> "generated")
        .stream().map(object -> Arguments.of(specimen.getKey() + ": " + object.getKind() + " "
            + object.getMetadata().getName(), object)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renderedObjects")
  void everyRenderedObjectPassesTheKubernetesSchemaAndRules(String name, HasMetadata object) throws IOException {
    Validator openApi = OPENAPI.get(object.getKind());
    if (openApi != null) {
      openApi.validate(JsonParser.parseString(SERIALIZATION.asJson(object)));
    } else {
      assertThat(object.getKind()).as("a kind without an OpenAPI model here").isEqualTo("ServiceMonitor");
    }
    assertThat(apiServerRules(object)).as(name).isEmpty();
  }

  /** The check can fail: a field the model does not know, as a typo in a renderer would add. */
  @Test
  void anUnknownFieldFails() {
    PgmlProxy proxy = Specimens.allFeatures("typo");
    Deployment deployment = (Deployment) FleetRenderer.render(proxy, INPUTS, () -> "x").stream()
        .filter(Deployment.class::isInstance).findFirst().orElseThrow();
    deployment.getSpec().getTemplate().getSpec().getContainers().get(0).setAdditionalProperty("imagePullPolicyy", "Always");

    assertThatThrownBy(() -> V1Deployment.validateJsonElement(JsonParser.parseString(SERIALIZATION.asJson(deployment))))
        .hasMessageContaining("imagePullPolicyy");
  }

  @Test
  void aBadNameOrPortFailsTheApiServerRules() {
    PgmlProxy proxy = Specimens.allFeatures("rules");
    List<HasMetadata> objects = FleetRenderer.render(proxy, INPUTS, () -> "x");
    HasMetadata service = objects.stream().filter(o -> o.getKind().equals("Service")).findFirst().orElseThrow();
    service.getMetadata().setName("pgml.proxy");
    ((io.fabric8.kubernetes.api.model.Service) service).getSpec().getPorts().get(0).setPort(70000);

    assertThat(apiServerRules(service)).anyMatch(p -> p.contains("metadata.name")).anyMatch(p -> p.contains("70000"));
  }

  /** The API server's validation of names, labels, annotations, ports and quantities, as far as we render them. */
  static List<String> apiServerRules(HasMetadata object) {
    List<String> problems = new ArrayList<>();
    String name = object.getMetadata().getName();
    boolean service = object.getKind().equals("Service");
    if (service ? !(name.length() <= 63 && name.matches(DNS_1035_LABEL))
        : !(name.length() <= 253 && name.matches(DNS_1123_SUBDOMAIN))) {
      problems.add("metadata.name " + name + " is not a valid " + (service ? "DNS-1035 label" : "DNS-1123 subdomain"));
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> json = SERIALIZATION.convertValue(object, Map.class);
    walk(json, "", problems);
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static void walk(Object value, String path, List<String> problems) {
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> fields = (Map<String, Object>) map;
      fields.forEach((key, child) -> {
        String childPath = path + "." + key;
        if ((key.equals("labels") || key.equals("matchLabels") || key.equals("selector") && child instanceof Map<?, ?> m
            && m.values().stream().allMatch(String.class::isInstance)) && child instanceof Map<?, ?> labels) {
          labels.forEach((k, v) -> {
            if (!String.valueOf(k).matches(ValidationPatterns.LABEL_KEY) || !String.valueOf(v)
                .matches(ValidationPatterns.LABEL_VALUE)) {
              problems.add(childPath + ": label " + k + "=" + v);
            }
          });
        } else if (key.equals("annotations") && child instanceof Map<?, ?> annotations) {
          annotations.keySet().forEach(k -> {
            if (!String.valueOf(k).matches(ValidationPatterns.LABEL_KEY)) {
              problems.add(childPath + ": annotation key " + k);
            }
          });
        } else if ((key.equals("port") || key.equals("containerPort") || key.equals("targetPort")
            || key.equals("nodePort")) && child instanceof Number port) {
          if (port.intValue() < 1 || port.intValue() > 65535) {
            problems.add(childPath + ": port " + port + " outside 1-65535");
          }
        } else if ((key.equals("port") || key.equals("targetPort")) && child instanceof String portName) {
          if (portName.length() > 15 || !portName.matches(IANA_SERVICE_NAME) || !portName.matches(".*[a-z].*")) {
            problems.add(childPath + ": port name " + portName);
          }
        } else if ((key.equals("requests") || key.equals("limits")) && child instanceof Map<?, ?> quantities) {
          quantities.forEach((resource, amount) -> {
            if (!String.valueOf(amount).matches(ValidationPatterns.QUANTITY)) {
              problems.add(childPath + "." + resource + ": quantity " + amount);
            }
          });
        } else if (key.equals("sizeLimit") && !String.valueOf(child).matches(ValidationPatterns.QUANTITY)) {
          problems.add(childPath + ": quantity " + child);
        } else if (key.equals("name") && child instanceof String itemName && path.matches(
            ".*\\.(containers|volumes|ports|volumeMounts)\\[\\d+]$")) {
          boolean port = path.matches(".*\\.ports\\[\\d+]$");
          boolean mount = path.matches(".*\\.volumeMounts\\[\\d+]$");
          if (!itemName.matches(DNS_1123_LABEL) || itemName.length() > (port ? 15 : 63) && !mount) {
            problems.add(childPath + ": name " + itemName);
          }
        } else {
          walk(child, childPath, problems);
        }
      });
    } else if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), path + "[" + i + "]", problems);
      }
    }
  }
}
