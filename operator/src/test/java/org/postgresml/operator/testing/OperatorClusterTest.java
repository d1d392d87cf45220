package org.postgresml.operator.testing;

import static org.awaitility.Awaitility.await;
import static org.postgresml.operator.testing.Fixtures.NAMESPACE;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.postgresml.operator.api.PgmlProxy;

/**
 * What a test of the running operator reads and waits for in its test namespace, and the
 * Deployment controller it plays. The cluster under it ({@link MockClusterTest}: CRUD mock server,
 * {@link ApiServerClusterTest}: one that applies as an API server does) says which client and how
 * long a wait may take.
 */
public abstract class OperatorClusterTest {

  private final Supplier<KubernetesClient> cluster;
  private final Duration waitLimit;

  /** @param cluster the class's client, read when used (a mock client is injected after construction) */
  protected OperatorClusterTest(Supplier<KubernetesClient> cluster, Duration waitLimit) {
    this.cluster = cluster;
    this.waitLimit = waitLimit;
  }

  /** The namespace every test object lives in. */
  static void createNamespace(KubernetesClient client) {
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
        .create();
  }

  protected <T extends HasMetadata> Optional<T> get(Class<T> type, String name) {
    return Optional.ofNullable(cluster.get().resources(type).inNamespace(NAMESPACE).withName(name).get());
  }

  protected <T extends HasMetadata> T awaitExists(Class<T> type, String name) {
    return await().atMost(waitLimit).until(() -> get(type, name), Optional::isPresent).get();
  }

  protected PgmlProxy proxy(String name) {
    return cluster.get().resources(PgmlProxy.class).inNamespace(NAMESPACE).withName(name).get();
  }

  protected PgmlProxy awaitStatus(String name, Predicate<PgmlProxy> until) {
    return await().atMost(waitLimit).until(() -> proxy(name),
        p -> p != null && p.getStatus() != null && until.test(p));
  }

  /** Plays the Deployment controller, which the mock server lacks: all replicas updated and ready. */
  protected void markDeploymentReady(String name) {
    await().atMost(waitLimit).ignoreException(KubernetesClientException.class).until(() -> {
      Deployment deployment = get(Deployment.class, name).orElseThrow();
      int replicas = deployment.getSpec().getReplicas();
      deployment.setStatus(new DeploymentStatusBuilder()
          .withReplicas(replicas).withReadyReplicas(replicas).withUpdatedReplicas(replicas)
          .withAvailableReplicas(replicas).withObservedGeneration(deployment.getMetadata().getGeneration())
          .build());
      cluster.get().resource(deployment).updateStatus();
      return true;
    });
  }
}
