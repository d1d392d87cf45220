package org.postgresml.operator.testing;

import static org.awaitility.Awaitility.await;
import static org.postgresml.operator.testing.Fixtures.NAMESPACE;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;

/**
 * One mock API server (CRUD mode) and one running operator per test class; tests use distinct
 * PgmlProxy names so they do not see each other's objects.
 */
@EnableKubernetesMockClient(crud = true)
public abstract class MockClusterTest {

  protected static final Duration WAIT = Duration.ofSeconds(20);

  protected static KubernetesMockServer server;
  protected static KubernetesClient client;
  protected static OperatorUnderTest operator;

  @BeforeAll
  static void startOperator() {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    operator = OperatorUnderTest.start(client);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  protected static <T extends HasMetadata> Optional<T> get(Class<T> type, String name) {
    return Optional.ofNullable(client.resources(type).inNamespace(NAMESPACE).withName(name).get());
  }

  protected static <T extends HasMetadata> T awaitExists(Class<T> type, String name) {
    return await().atMost(WAIT).until(() -> get(type, name), Optional::isPresent).get();
  }

  protected static PgmlProxy proxy(String name) {
    return client.resources(PgmlProxy.class).inNamespace(NAMESPACE).withName(name).get();
  }

  /** Changes the spec as a user would. */
  protected static void editSpec(String name, java.util.function.Consumer<org.postgresml.operator.api.spec.PgmlProxySpec> change) {
    // The operator's status writes race with the test's edit; a conflict (409) is retried on fresh data.
    await().atMost(WAIT).ignoreException(KubernetesClientException.class).until(() -> {
      client.resources(PgmlProxy.class).inNamespace(NAMESPACE).withName(name).edit(p -> {
        change.accept(p.getSpec());
        return p;
      });
      return true;
    });
  }

  protected static PgmlProxy awaitStatus(String name, Predicate<PgmlProxy> until) {
    return await().atMost(WAIT).until(() -> proxy(name),
        p -> p != null && p.getStatus() != null && until.test(p));
  }

  protected static PgmlProxy awaitCondition(String name, String type, String status, String reason) {
    return awaitStatus(name, p -> condition(p, type)
        .filter(c -> status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason())))
        .isPresent());
  }

  protected static Optional<Condition> condition(PgmlProxy proxy, String type) {
    return proxy.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  protected static String configHash(String name) {
    return get(Deployment.class, name).orElseThrow().getSpec().getTemplate().getMetadata().getAnnotations()
        .get(FleetNames.CONFIG_HASH_ANNOTATION);
  }

  /** Plays the Deployment controller, which the mock server lacks: all replicas updated and ready. */
  protected static void markDeploymentReady(String name) {
    await().atMost(WAIT).ignoreException(KubernetesClientException.class).until(() -> {
      Deployment deployment = get(Deployment.class, name).orElseThrow();
      int replicas = deployment.getSpec().getReplicas();
      deployment.setStatus(new DeploymentStatusBuilder()
          .withReplicas(replicas).withReadyReplicas(replicas).withUpdatedReplicas(replicas)
          .withAvailableReplicas(replicas).withObservedGeneration(deployment.getMetadata().getGeneration())
          .build());
      client.resource(deployment).updateStatus();
      return true;
    });
  }
}
