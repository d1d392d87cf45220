package org.postgresml.bench.operator;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.postgresml.operator.api.PgmlProxy;

/**
 * Everything on the API server's side that is not the operator, through the benchmark's own
 * client: the user who creates the resources, the Deployment controller the mock server lacks, and
 * an observer that reads how far the operator got.
 */
public final class ClusterSide implements AutoCloseable {

  /** Parallel creates, so "created at once" is not paced by one request's round trip. */
  private static final int WRITERS = 8;

  private final KubernetesClient client;
  private final ScaleFleet fleet;
  private final ExecutorService writers = Executors.newFixedThreadPool(WRITERS, r -> {
    Thread thread = new Thread(r, "bench-cluster-writer");
    thread.setDaemon(true);
    return thread;
  });

  public ClusterSide(KubernetesClient client, ScaleFleet fleet) {
    this.client = client;
    this.fleet = fleet;
  }

  /** Creates every proxy's upstream-URL Secret; the proxies come after, so none starts Degraded. */
  public void createSecrets() {
    forEach(fleet.names(), name -> client.resource(fleet.urlSecret(name)).create());
  }

  public void createProxies() {
    forEach(fleet.names(), name -> client.resource(fleet.proxy(name)).create());
  }

  /** Plays the Deployment controller: every replica of every fleet Deployment updated and ready. */
  public void rollOutDeployments() {
    List<Deployment> deployments = client.apps().deployments().inNamespace(fleet.namespace()).list().getItems();
    forEach(deployments, deployment -> {
      deployment.setStatus(rolledOut(deployment));
      return client.resource(deployment).updateStatus();
    });
  }

  /** The status a Deployment controller writes once the Deployment's pods all run its current template. */
  static DeploymentStatus rolledOut(Deployment deployment) {
    int replicas = deployment.getSpec().getReplicas() == null ? 1 : deployment.getSpec().getReplicas();
    return new DeploymentStatusBuilder().withReplicas(replicas).withReadyReplicas(replicas)
        .withUpdatedReplicas(replicas).withAvailableReplicas(replicas)
        .withObservedGeneration(deployment.getMetadata().getGeneration()).build();
  }

  /**
   * How far the operator got. Lists only the PgmlProxies until all have a status (one cheap request
   * per poll); the dependents are listed only then.
   */
  public FleetCensus.Count census() {
    List<PgmlProxy> proxies = client.resources(PgmlProxy.class).inNamespace(fleet.namespace()).list().getItems();
    FleetCensus.Count statusOnly = FleetCensus.count(proxies, Set.of());
    if (statusOnly.withStatus() < fleet.size()) {
      return statusOnly;
    }
    Set<FleetCensus.Dependent> existing = new HashSet<>();
    for (Class<? extends HasMetadata> kind : FleetCensus.KINDS) {
      client.resources(kind).inNamespace(fleet.namespace()).list().getItems()
          .forEach(object -> existing.add(FleetCensus.Dependent.of(object)));
    }
    return FleetCensus.count(proxies, existing);
  }

  private <T> void forEach(List<T> items, Function<T, ?> write) {
    List<Future<?>> pending = items.stream().<Future<?>>map(item -> writers.submit(() -> write.apply(item))).toList();
    try {
      for (Future<?> future : pending) {
        future.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("a benchmark write failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to the mock API server", e);
    }
  }

  @Override
  public void close() {
    writers.shutdownNow();
  }
}
