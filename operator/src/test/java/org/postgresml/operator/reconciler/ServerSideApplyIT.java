package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.apiserver.ApiServerDispatcher.Write;
import org.postgresml.operator.testing.ApiServerClusterTest;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.Specimens;

/**
 * The operator with server-side apply, as in production, on an API server that stores applies as a
 * real one does: after the first reconcile of each example and of the all-features spec, later
 * reconciles write nothing (the write loop an omitempty false caused would show here as a
 * re-apply on every reconcile).
 */
class ServerSideApplyIT extends ApiServerClusterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @BeforeAll
  static void prometheusOperatorIsInstalled() {
    client.apiextensions().v1().customResourceDefinitions().resource(ServiceMonitorIT.serviceMonitorCrd()).create();
  }

  static Stream<Arguments> specimens() {
    return Specimens.all().map(specimen -> Arguments.of(specimen.getKey(), specimen.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specimens")
  void reconcilesAfterTheFirstWriteNothing(String specimen, PgmlProxy proxy) throws IOException {
    String name = "ssa-" + specimen.replaceAll("[^a-z]+", "-").replaceAll("-+$", "").replaceAll("-yaml$", "");
    proxy.getMetadata().setName(name);
    proxy.getMetadata().setNamespace(Fixtures.NAMESPACE);
    referencedSecrets(proxy).forEach(secret -> client.resource(secret).createOr(r -> r.update()));
    api.drainWrites();

    client.resource(proxy).create();
    awaitExists(Deployment.class, name);
    markDeploymentReady(name);
    awaitCondition(name, ConditionTypes.READY, "True", ConditionTypes.REASON_FLEET_READY);
    awaitReconciliations(name, 2);
    List<Write> untilSettled = api.drainWrites();

    // Each dependent was written once (its creation); the status as often as it changed.
    Map<String, Long> dependentWrites = untilSettled.stream()
        .filter(write -> !write.isStatus() && !write.path().contains("/events")
            && !write.path().endsWith("/pgmlproxies"))
        .collect(Collectors.groupingBy(ServerSideApplyIT::objectPath, Collectors.counting()));
    assertThat(dependentWrites).as("writes per dependent until the fleet was ready: %s", untilSettled)
        .isNotEmpty().allSatisfy((path, count) -> assertThat(count).as(path).isEqualTo(1));
    for (Write write : untilSettled) {
      if (write.isStatus() && write.path().contains("/pgmlproxies/")) {
        assertStatusOnly(write);
      }
    }

    awaitReconciliations(name, 10);
    assertThat(api.drainWrites()).as("API writes during 10 reconciliations of the settled fleet %s", name)
        .isEmpty();

    // The PgmlProxy is each object's one controller ("Controlled By"; no second owner can claim it).
    String uid = proxy(name).getMetadata().getUid();
    for (Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> kind : List.of(Deployment.class,
        io.fabric8.kubernetes.api.model.Service.class,
        io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class)) {
      assertThat(get(kind, name).orElseThrow().getMetadata().getOwnerReferences()).singleElement()
          .satisfies(owner -> {
            assertThat(owner.getUid()).isEqualTo(uid);
            assertThat(owner.getController()).as("controller of %s", kind.getSimpleName()).isTrue();
          });
    }
  }

  /** Applied by server-side apply: a label someone else put on the ServiceMonitor survives a change of it. */
  @org.junit.jupiter.api.Test
  void theServiceMonitorKeepsLabelsOthersAdded() {
    PgmlProxy proxy = Fixtures.proxy("ssa-monitor");
    proxy.getSpec().monitoring.serviceMonitor = true;
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    client.resource(proxy).create();
    var monitors = client.genericKubernetesResources(ServiceMonitorIT.SERVICE_MONITORS).inNamespace(Fixtures.NAMESPACE)
        .withName("ssa-monitor");
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> monitors.get() != null);
    monitors.edit(monitor -> {
      monitor.getMetadata().getLabels().put("policy.example.com/audited", "true");
      return monitor;
    });

    org.awaitility.Awaitility.await().atMost(WAIT).ignoreExceptions().until(() -> {
      client.resources(PgmlProxy.class).inNamespace(Fixtures.NAMESPACE).withName("ssa-monitor")
          .edit(p -> {
            p.getSpec().monitoring.interval = "15s";
            return p;
          });
      return true;
    });
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> "15s".equals(
        ((Map<?, ?>) ((List<?>) ((Map<?, ?>) monitors.get().getAdditionalProperties().get("spec")).get("endpoints"))
            .get(0)).get("interval")));
    assertThat(monitors.get().getMetadata().getLabels())
        .containsEntry("policy.example.com/audited", "true")
        .containsEntry("app.kubernetes.io/managed-by", "pgml-proxy-operator");
  }

  /** The object a write is about: a create names it in its body. */
  private static String objectPath(Write write) {
    String path = write.path().replaceAll("\\?.*", "");
    if (!write.method().equals("POST")) {
      return path;
    }
    try {
      return path + "/" + JSON.readTree(write.body()).path("metadata").path("name").asText();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The status patch holds the status and the object's name, no spec and no labels to co-own. */
  private static void assertStatusOnly(Write write) throws IOException {
    JsonNode body = JSON.readTree(write.body());
    assertThat(write.contentType()).startsWith(org.postgresml.operator.apiserver.ApiServerDispatcher.APPLY_PATCH);
    assertThat(body.has("spec")).as("spec in %s", write.body()).isFalse();
    assertThat(body.path("metadata").has("labels")).as("labels in %s", write.body()).isFalse();
    assertThat(body.path("metadata").has("resourceVersion")).as("resourceVersion in %s", write.body()).isFalse();
    assertThat(body.has("status")).isTrue();
  }

  /** The Secrets a PgmlProxy names, with keys that pass the operator's checks. */
  static List<Secret> referencedSecrets(PgmlProxy proxy) {
    var spec = proxy.getSpec();
    List<Secret> secrets = new java.util.ArrayList<>();
    secrets.add(secret(spec.upstream.urlSecretRef.name, Map.of(spec.upstream.urlSecretRef.key, Fixtures.URL)));
    if (spec.upstream.caSecretRef != null) {
      secrets.add(secret(spec.upstream.caSecretRef.name, Map.of(spec.upstream.caSecretRef.key, "(CA)")));
    }
    if (spec.tls != null) {
      secrets.add(secret(spec.tls.secretRef.name, Map.of("tls.crt", "(certificate)", "tls.key", "(key)")));
    }
    if (spec.clientAuth.secretRef != null) {
      secrets.add(secret(spec.clientAuth.secretRef.name, Map.of("username", "rds_app", "password", "pw")));
    }
    return secrets;
  }

  private static Secret secret(String name, Map<String, String> data) {
    return new SecretBuilder().withNewMetadata().withName(name).withNamespace(Fixtures.NAMESPACE).endMetadata()
        .withData(data.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> java.util.Base64
            .getEncoder().encodeToString(e.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8)))))
        .build();
  }
}
