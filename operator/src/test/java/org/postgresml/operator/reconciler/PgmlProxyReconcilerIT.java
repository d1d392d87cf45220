package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.MockClusterTest;

/** Create: every dependent exists, owned by the PgmlProxy; status reaches Ready with what the user needs. */
class PgmlProxyReconcilerIT extends MockClusterTest {

  @Test
  void createsTheFleetOwnedByThePgmlProxyAndReportsItReady() {
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    PgmlProxy created = client.resource(Fixtures.proxy("fleet")).create();

    Deployment deployment = awaitExists(Deployment.class, "fleet");
    Service service = awaitExists(Service.class, "fleet");
    PodDisruptionBudget pdb = awaitExists(PodDisruptionBudget.class, "fleet");
    Secret config = awaitExists(Secret.class, "fleet-config");
    Secret clientAuth = awaitExists(Secret.class, "fleet-client-auth");
    // No API server garbage collector here: owner references are what makes deletion cascade.
    for (HasMetadata owned : new HasMetadata[] {deployment, config, clientAuth, service, pdb}) {
      assertThat(owned.getMetadata().getOwnerReferences())
          .as("owner of %s %s", owned.getKind(), owned.getMetadata().getName())
          .singleElement()
          .satisfies(ref -> {
            assertThat(ref.getUid()).isEqualTo(created.getMetadata().getUid());
            assertThat(ref.getKind()).isEqualTo("PgmlProxy");
          });
    }

    PgmlProxy progressing = awaitCondition("fleet", ConditionTypes.PROGRESSING, "True", ConditionTypes.REASON_ROLLING_OUT);
    assertThat(condition(progressing, ConditionTypes.READY).orElseThrow().getStatus()).isEqualTo("False");

    markDeploymentReady("fleet");

    PgmlProxy ready = awaitCondition("fleet", ConditionTypes.READY, "True", ConditionTypes.REASON_FLEET_READY);
    assertThat(ready.getStatus().replicas).isEqualTo(2);
    assertThat(ready.getStatus().readyReplicas).isEqualTo(2);
    assertThat(ready.getStatus().selector).isEqualTo(FleetNames.selector(ready));
    assertThat(ready.getStatus().endpoint.host).isEqualTo("fleet.apps.svc");
    assertThat(ready.getStatus().endpoint.port).isEqualTo(6432);
    assertThat(ready.getStatus().clientCredentialsSecret).isEqualTo("fleet-client-auth");
    assertThat(ready.getStatus().connectSql)
        .contains("host 'fleet.apps.svc'", "port '6432'", "dbname 'pgml_db'", "user 'pgml'",
            "Secret apps/fleet-client-auth")
        .doesNotContain("s3cret-pw");
    assertThat(condition(ready, ConditionTypes.DEGRADED).orElseThrow().getStatus()).isEqualTo("False");
    assertThat(condition(ready, ConditionTypes.PROGRESSING).orElseThrow().getStatus()).isEqualTo("False");
    assertThat(ready.getStatus().observedGeneration).isEqualTo(ready.getMetadata().getGeneration());
  }

  @Test
  void loadBalancerAddressReachesEndpointAndConnectSql() {
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    PgmlProxy proxy = Fixtures.proxy("lb");
    proxy.getSpec().service.type = org.postgresml.operator.api.spec.ServiceType.LoadBalancer;
    client.resource(proxy).create();
    Service service = awaitExists(Service.class, "lb");
    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");

    service.setStatus(new io.fabric8.kubernetes.api.model.ServiceStatusBuilder().withNewLoadBalancer()
        .addNewIngress().withHostname("internal-lb.elb.test").endIngress().endLoadBalancer().build());
    client.resource(service).updateStatus();

    PgmlProxy withLb = awaitStatus("lb", p -> p.getStatus().endpoint != null
        && "internal-lb.elb.test".equals(p.getStatus().endpoint.loadBalancer));
    assertThat(withLb.getStatus().connectSql).contains("host 'internal-lb.elb.test'");
  }

  @Test
  void generatedClientPasswordIsNeverRegenerated() {
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    client.resource(Fixtures.proxy("stable-pw")).create();
    Secret first = awaitExists(Secret.class, "stable-pw-client-auth");
    awaitExists(Deployment.class, "stable-pw");
    String hashBefore = configHash("stable-pw");

    editSpec("stable-pw", spec -> spec.pool.size = 7);
    org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !configHash("stable-pw").equals(hashBefore));

    Secret after = get(Secret.class, "stable-pw-client-auth").orElseThrow();
    assertThat(after.getData()).isEqualTo(first.getData());
    assertThat(after.getMetadata().getResourceVersion()).isEqualTo(first.getMetadata().getResourceVersion());
  }
}
