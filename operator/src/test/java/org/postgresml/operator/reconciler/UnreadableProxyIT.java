package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.OperatorUnderTest;
import org.postgresml.operator.validation.SpecProblem;

/**
 * A PgmlProxy the operator's model cannot hold ({@code replicas: 3000000000}, stored as raw JSON,
 * as an API server with an older CRD would have admitted it) neither stops the operator at start
 * (the informer's first list) nor later (a watch event): it is reported Degraded, naming the
 * field, and every other PgmlProxy is reconciled as usual.
 */
@EnableKubernetesMockClient(crud = true)
class UnreadableProxyIT {

  static KubernetesClient client;
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void anUnreadablePgmlProxyIsReportedAndTheOthersAreServed() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(Fixtures.NAMESPACE).endMetadata()
        .build()).create();
    OperatorUnderTest.installCrd(client);
    client.resource(Fixtures.urlSecret(Fixtures.URL)).create();
    client.genericKubernetesResources(PgmlProxy.GROUP + "/" + PgmlProxy.VERSION, "PgmlProxy")
        .inNamespace(Fixtures.NAMESPACE).resource(withReplicas("huge", 3_000_000_000L)).create();
    client.resource(Fixtures.proxy("before")).create();

    try (OperatorUnderTest operator = OperatorUnderTest.start(client)) {
      awaitDeployment("before");
      PgmlProxy huge = awaitDegraded("huge");
      assertThat(degradedMessage(huge)).contains("spec.replicas").doesNotContain("3000000000");
      assertThat(deployment("huge")).isEmpty();

      // Arriving by a watch event, once the operator runs, changes nothing either.
      client.genericKubernetesResources(PgmlProxy.GROUP + "/" + PgmlProxy.VERSION, "PgmlProxy")
          .inNamespace(Fixtures.NAMESPACE).resource(withReplicas("huge-later", 9_000_000_000L)).create();
      client.resource(Fixtures.proxy("after")).create();
      awaitDeployment("after");
      assertThat(degradedMessage(awaitDegraded("huge-later"))).contains("spec.replicas");
      assertThat(deployment("huge-later")).isEmpty();
    }
  }

  private static GenericKubernetesResource withReplicas(String name, long replicas) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(PgmlProxy.GROUP + "/" + PgmlProxy.VERSION)
        .withKind("PgmlProxy")
        .withNewMetadata().withName(name).withNamespace(Fixtures.NAMESPACE).endMetadata()
        .withAdditionalProperties(Map.of("spec", Map.of(
            "replicas", replicas,
            "upstream", Map.of("urlSecretRef", Map.of("name", Fixtures.URL_SECRET, "key", Fixtures.URL_KEY)))))
        .build();
  }

  private static void awaitDeployment(String name) {
    await().atMost(WAIT).until(() -> deployment(name).isPresent());
  }

  private static Optional<Deployment> deployment(String name) {
    return Optional.ofNullable(client.resources(Deployment.class).inNamespace(Fixtures.NAMESPACE).withName(name).get());
  }

  private static PgmlProxy awaitDegraded(String name) {
    return await().atMost(WAIT).until(
        () -> client.resources(PgmlProxy.class).inNamespace(Fixtures.NAMESPACE).withName(name).get(),
        p -> p != null && p.getStatus() != null && p.getStatus().conditions.stream().anyMatch(c ->
            ConditionTypes.DEGRADED.equals(c.getType()) && "True".equals(c.getStatus())
                && SpecProblem.INVALID_SPEC.equals(c.getReason())));
  }

  private static String degradedMessage(PgmlProxy proxy) {
    return proxy.getStatus().conditions.stream().filter(c -> ConditionTypes.DEGRADED.equals(c.getType()))
        .findFirst().orElseThrow().getMessage();
  }
}
