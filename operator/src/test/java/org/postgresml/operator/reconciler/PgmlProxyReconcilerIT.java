package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.postgresml.operator.testing.Fixtures.NAMESPACE;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.OperatorUnderTest;

/** The operator against the Fabric8 mock API server (CRUD mode): create, readiness, status. */
@EnableKubernetesMockClient(crud = true)
class PgmlProxyReconcilerIT {

  static final Duration WAIT = Duration.ofSeconds(20);

  KubernetesMockServer server;
  KubernetesClient client;
  OperatorUnderTest operator;

  @BeforeEach
  void startOperator() {
    client.namespaces().resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
        .withNewMetadata().withName(NAMESPACE).endMetadata().build()).create();
    operator = OperatorUnderTest.start(client);
  }

  @AfterEach
  void stopOperator() {
    operator.close();
  }

  @Test
  void createsTheFleetOwnedByThePgmlProxyAndReportsItReady() {
    client.resource(Fixtures.urlSecret(Fixtures.URL)).create();
    PgmlProxy created = client.resource(Fixtures.proxy("fleet")).create();

    Deployment deployment = await().atMost(WAIT).until(() -> get(Deployment.class, "fleet"), Optional::isPresent).get();
    Secret config = get(Secret.class, "fleet-config").orElseThrow();
    Secret clientAuth = get(Secret.class, "fleet-client-auth").orElseThrow();
    Service service = await().atMost(WAIT).until(() -> get(Service.class, "fleet"), Optional::isPresent).get();
    PodDisruptionBudget pdb = await().atMost(WAIT)
        .until(() -> get(PodDisruptionBudget.class, "fleet"), Optional::isPresent).get();
    for (HasMetadata owned : new HasMetadata[] {deployment, config, clientAuth, service, pdb}) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .as("owner of %s", owned.getMetadata().getName())
          .singleElement()
          .satisfies(ref -> {
            assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(ref.getKind()).isEqualTo("PgmlProxy");
          });
    }

    PgmlProxy progressing = awaitStatus("fleet", p -> condition(p, ConditionTypes.PROGRESSING)
        .map(c -> "True".equals(c.getStatus())).orElse(false));
    assertThat(condition(progressing, ConditionTypes.READY).orElseThrow().getStatus()).isEqualTo("False");

    markDeploymentReady("fleet");

    PgmlProxy ready = awaitStatus("fleet", p -> condition(p, ConditionTypes.READY)
        .map(c -> "True".equals(c.getStatus())).orElse(false));
    assertThat(ready.getStatus().readyReplicas).isEqualTo(2);
    assertThat(ready.getStatus().selector).isEqualTo(FleetNames.selector(ready));
    assertThat(ready.getStatus().endpoint.host).isEqualTo("fleet.apps.svc");
    assertThat(ready.getStatus().endpoint.port).isEqualTo(6432);
    assertThat(ready.getStatus().clientCredentialsSecret).isEqualTo("fleet-client-auth");
    assertThat(ready.getStatus().connectSql)
        .contains("host 'fleet.apps.svc'", "dbname 'pgml_db'", "user 'pgml'", "Secret apps/fleet-client-auth")
        .doesNotContain("s3cret-pw");
    assertThat(condition(ready, ConditionTypes.DEGRADED).orElseThrow().getStatus()).isEqualTo("False");
    assertThat(ready.getStatus().observedGeneration).isEqualTo(ready.getMetadata().getGeneration());
  }

  private void markDeploymentReady(String name) {
    Deployment deployment = get(Deployment.class, name).orElseThrow();
    int replicas = deployment.getSpec().getReplicas();
    deployment.setStatus(new DeploymentStatusBuilder()
        .withReplicas(replicas).withReadyReplicas(replicas).withUpdatedReplicas(replicas)
        .withAvailableReplicas(replicas).withObservedGeneration(deployment.getMetadata().getGeneration())
        .build());
    client.resource(deployment).updateStatus();
  }

  private PgmlProxy awaitStatus(String name, java.util.function.Predicate<PgmlProxy> until) {
    return await().atMost(WAIT).until(() -> client.resources(PgmlProxy.class).inNamespace(NAMESPACE)
        .withName(name).get(), p -> p != null && p.getStatus() != null && until.test(p));
  }

  static Optional<Condition> condition(PgmlProxy proxy, String type) {
    return proxy.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  private <T extends HasMetadata> Optional<T> get(Class<T> type, String name) {
    return Optional.ofNullable(client.resources(type).inNamespace(NAMESPACE).withName(name).get());
  }
}
