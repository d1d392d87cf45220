package org.postgresml.operator.testing;

import static org.awaitility.Awaitility.await;
import static org.postgresml.operator.testing.Fixtures.NAMESPACE;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.apiserver.ApiServerDispatcher;

/**
 * The operator as production runs it (server-side apply on) against a mock API server that serves
 * apply patches as a real one stores them ({@link ApiServerDispatcher}), and that a test can make
 * refuse chosen writes. One server and one operator per test class, on loopback.
 */
public abstract class ApiServerClusterTest {

  protected static final Duration WAIT = Duration.ofSeconds(30);

  protected static ApiServerDispatcher api;
  protected static KubernetesMockServer server;
  protected static KubernetesClient client;
  protected static OperatorUnderTest operator;

  @BeforeAll
  static void startServerAndOperator() {
    api = new ApiServerDispatcher(true);
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        api, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
    operator = OperatorUnderTest.startWithServerSideApply(client);
  }

  @AfterAll
  static void stopServerAndOperator() {
    operator.close();
    client.close();
    server.destroy();
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

  protected static PgmlProxy awaitStatus(String name, Predicate<PgmlProxy> until) {
    return await().atMost(WAIT).until(() -> proxy(name), p -> p != null && p.getStatus() != null && until.test(p));
  }

  protected static PgmlProxy awaitCondition(String name, String type, String status, String reason) {
    return awaitStatus(name, p -> p.getStatus().conditions.stream().anyMatch(c -> type.equals(c.getType())
        && status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason()))));
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

  /** Waits until the PgmlProxy {@code name} has been reconciled {@code count} more times. */
  protected static void awaitReconciliations(String name, int count) {
    int start = operator.reconciliations(name);
    await().atMost(WAIT.multipliedBy(2)).until(() -> operator.reconciliations(name) >= start + count);
  }
}
