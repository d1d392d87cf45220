package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.dependent.ControllerReference;
import org.postgresml.operator.dependent.ServiceMonitorApplier;
import org.postgresml.operator.reconciler.EventPublisher;
import org.postgresml.operator.reconciler.PgmlProxyReconciler;
import org.postgresml.operator.reconciler.ServiceMonitorSupport;
import org.postgresml.operator.render.ServiceMonitorRenderer;

/**
 * The chart grants exactly what the operator uses: every permission its code needs is granted and
 * nothing else is. Needs come from the operator itself: its JOSDK workflow (see
 * {@link OperatorPermissions}), plus the requests its direct client calls (Events, the ServiceMonitor
 * CRD check) and Fabric8's Lease lock make, recorded on the CRUD mock server.
 */
@EnableKubernetesMockClient(crud = true)
class RbacTest {

  static KubernetesMockServer server;
  static KubernetesClient client;

  private static final ChartRenderer CHART = ChartRenderer.ofRepositoryChart();
  private static Set<Permission> namespaced;
  private static Set<Permission> clusterScoped;
  private static Set<Permission> leaderElection;

  @BeforeAll
  static void deriveWhatTheOperatorUses() throws InterruptedException {
    RecordedRequests.drain(server);
    var proxy = new PgmlProxy();
    proxy.setMetadata(new ObjectMetaBuilder().withName("pgml").withNamespace("team-a").withUid("u1").build());
    new EventPublisher(client, Clock.systemUTC()).warning(proxy, "SecretMissing", "Secret pgml-cloud not found");
    new ServiceMonitorSupport(client, Duration.ZERO, Clock.systemUTC()).present();
    // The ServiceMonitor's whole life: applied by server-side apply (which this mock server refuses:
    // the request is what counts), applied again once it exists, removed when monitoring is turned off.
    var serviceMonitors = new ServiceMonitorApplier(client);
    proxy.getSpec().monitoring.serviceMonitor = true;
    Optional<String> applies = Optional.of("pgmlproxyreconciler");
    catchThrowable(() -> serviceMonitors.apply(proxy, true, applies));
    Set<Permission> direct = RecordedRequests.drain(server);
    // Stands in for the applied ServiceMonitor (the test's own request, not counted).
    var appliedMonitor = ServiceMonitorRenderer.render(proxy);
    ControllerReference.set(appliedMonitor, proxy);
    client.genericKubernetesResources("monitoring.coreos.com/v1", "ServiceMonitor").inNamespace("team-a")
        .resource(appliedMonitor).create();
    RecordedRequests.drain(server);
    proxy.getSpec().monitoring.interval = "15s";
    catchThrowable(() -> serviceMonitors.apply(proxy, true, applies));
    proxy.getSpec().monitoring.serviceMonitor = false;
    serviceMonitors.apply(proxy, true, applies);
    direct.addAll(RecordedRequests.drain(server));

    namespaced = new TreeSet<>(OperatorPermissions.forWatchedNamespace(PgmlProxyReconciler.class, PgmlProxy.class));
    clusterScoped = new TreeSet<>();
    for (Permission permission : direct) {
      (permission.name().isEmpty() ? namespaced : clusterScoped).add(permission);
    }
    leaderElection = recordLeaseLock();
  }

  @Test
  void clusterWideInstallGrantsExactlyWhatTheOperatorUses() {
    List<HasMetadata> objects = new StrictManifests().parse(CHART.template(), "default values");
    List<ClusterRole> roles = objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).toList();

    assertThat(roles).hasSize(1);
    Set<Permission> expected = new TreeSet<>(namespaced);
    expected.addAll(clusterScoped);
    assertThat(Permission.expand(roles.get(0).getRules())).containsExactlyElementsOf(expected);
    assertThat(objects).noneMatch(Role.class::isInstance);
  }

  @Test
  void namespaceListGrantsExactlyWhatTheOperatorUsesInEachNamespace() {
    List<HasMetadata> objects = new StrictManifests().parse(
        CHART.template(null, Map.of("watchNamespaces[0]", "team-a", "watchNamespaces[1]", "team-b")), "watchNamespaces");
    Map<String, Set<Permission>> byNamespace = objects.stream().filter(Role.class::isInstance).map(Role.class::cast)
        .collect(Collectors.toMap(role -> role.getMetadata().getNamespace(), role -> Permission.expand(role.getRules())));
    List<ClusterRole> clusterRoles = objects.stream().filter(ClusterRole.class::isInstance).map(ClusterRole.class::cast).toList();

    assertThat(byNamespace).containsOnlyKeys("team-a", "team-b");
    byNamespace.values().forEach(granted -> assertThat(granted).containsExactlyElementsOf(namespaced));
    assertThat(clusterRoles).hasSize(1);
    assertThat(Permission.expand(clusterRoles.get(0).getRules())).containsExactlyElementsOf(clusterScoped);
  }

  @Test
  void leaderElectionGrantsExactlyTheLeaseLock() {
    List<HasMetadata> objects = new StrictManifests().parse(
        CHART.template(null, Map.of("replicaCount", 2)), "two replicas");
    List<Role> roles = objects.stream().filter(Role.class::isInstance).map(Role.class::cast).toList();

    assertThat(roles).singleElement().satisfies(role -> {
      assertThat(role.getMetadata().getNamespace()).isEqualTo(ChartRenderer.NAMESPACE);
      assertThat(Permission.expand(role.getRules())).containsExactlyElementsOf(leaderElection);
    });
  }

  /** The derivation itself finds what matters (so an empty or partial derivation cannot pass). */
  @Test
  void derivationCoversTheFleetAndTheOperatorsOwnCalls() {
    assertThat(namespaced).contains(
        Permission.of("postgresml.org", "pgmlproxies", "watch"),
        Permission.of("postgresml.org", "pgmlproxies/status", "patch"),
        Permission.of("apps", "deployments", "create"),
        Permission.of("", "secrets", "watch"),
        Permission.of("", "events", "create"),
        Permission.of("monitoring.coreos.com", "servicemonitors", "patch"),
        Permission.of("monitoring.coreos.com", "servicemonitors", "delete"));
    assertThat(clusterScoped).containsExactly(
        new Permission("apiextensions.k8s.io", "customresourcedefinitions", "servicemonitors.monitoring.coreos.com", "get"));
    assertThat(leaderElection).extracting(Permission::resource).containsOnly("leases");
  }

  /**
   * What leader election asks for: the requests of Fabric8's Lease lock (which JOSDK uses) while it
   * acquires and renews, plus the verbs JOSDK's LeaderElectionManager checks before it starts
   * (get, create, update; it refuses to start without them).
   */
  private static Set<Permission> recordLeaseLock() throws InterruptedException {
    AtomicBoolean leading = new AtomicBoolean();
    var elector = client.leaderElector().withConfig(new LeaderElectionConfigBuilder()
        .withName("rbac-test")
        .withLock(new LeaseLock(ChartRenderer.NAMESPACE, "pgml-proxy-operator-lease", "pod-1"))
        .withLeaseDuration(Duration.ofSeconds(2))
        .withRenewDeadline(Duration.ofMillis(1500))
        .withRetryPeriod(Duration.ofMillis(100))
        .withLeaderCallbacks(new LeaderCallbacks(() -> leading.set(true), () -> { }, identity -> { }))
        .build()).build();
    var election = elector.start();
    try {
      await().atMost(Duration.ofSeconds(10)).untilTrue(leading);
      // Wait for a renewal of the held Lease (a write other than the first create).
      Set<Permission> seen = new TreeSet<>();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        seen.addAll(RecordedRequests.drain(server));
        return seen.stream().anyMatch(permission -> !Set.of("get", "create").contains(permission.verb()));
      });
      seen.addAll(Permission.all("coordination.k8s.io", "leases", "get", "create", "update"));
      return seen;
    } finally {
      election.cancel(true);
    }
  }
}
