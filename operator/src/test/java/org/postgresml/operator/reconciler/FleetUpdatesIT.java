package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.AutoscalingSpec;
import org.postgresml.operator.api.spec.CacheFunctionSpec;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.NetworkPolicySpec;
import org.postgresml.operator.api.spec.ServiceType;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.MockClusterTest;

/** Updates reach the right objects; the pods roll exactly when what they run with changed. */
class FleetUpdatesIT extends MockClusterTest {

  @Test
  void replicasChangeTheDeploymentWithoutRollingThePods() {
    String hash = start("scale-me");
    editSpec("scale-me", spec -> spec.replicas = 4);
    await().atMost(WAIT).until(() -> get(Deployment.class, "scale-me").orElseThrow().getSpec().getReplicas() == 4);
    assertThat(configHash("scale-me")).isEqualTo(hash);
  }

  @Test
  void poolSizeChangesTheConfigAndRollsThePods() {
    String hash = start("pool");
    String configBefore = configFile("pool");
    editSpec("pool", spec -> spec.pool.size = 50);
    await().atMost(WAIT).until(() -> !configHash("pool").equals(hash));
    assertThat(configFile("pool")).isNotEqualTo(configBefore).contains("size: 50");
  }

  /**
   * A cache setting reaches running pods through the config Secret alone: the kubelet swaps the
   * mounted file and the proxies reload it, so the pod template (and its hash) stays as it was.
   */
  @Test
  void aCacheGenerationBumpRewritesTheConfigWithoutRollingThePods() {
    start("cached");
    editSpec("cached", spec -> {
      spec.cache = new CacheSpec();
      spec.cache.functions.add(new CacheFunctionSpec("pgml.embed", true));
    });
    await().atMost(WAIT).until(() -> configFile("cached").contains("generation: 0"));
    Deployment before = get(Deployment.class, "cached").orElseThrow();

    editSpec("cached", spec -> spec.cache.generation = 1L);
    await().atMost(WAIT).until(() -> configFile("cached").contains("generation: 1"));
    int reconciled = operator.reconciliations();
    await().atMost(WAIT).until(() -> operator.reconciliations() > reconciled);
    Deployment after = get(Deployment.class, "cached").orElseThrow();
    assertThat(after.getSpec().getTemplate()).as("the pod template, so no rollout").isEqualTo(before.getSpec()
        .getTemplate());
    assertThat(after.getMetadata().getResourceVersion()).as("the Deployment was not written")
        .isEqualTo(before.getMetadata().getResourceVersion());
  }

  @Test
  void serviceTypeChangesTheServiceWithoutRollingThePods() {
    String hash = start("svc");
    editSpec("svc", spec -> {
      spec.service.type = ServiceType.LoadBalancer;
      spec.service.loadBalancerSourceRanges = List.of("10.0.0.0/16");
      spec.service.annotations.put("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal");
    });
    Service service = await().atMost(WAIT).until(() -> get(Service.class, "svc").orElseThrow(),
        s -> "LoadBalancer".equals(s.getSpec().getType()));
    assertThat(service.getSpec().getLoadBalancerSourceRanges()).containsExactly("10.0.0.0/16");
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal");
    assertThat(configHash("svc")).isEqualTo(hash);
  }

  @Test
  void aNewUrlInTheReferencedSecretRollsThePods() {
    String hash = start("new-url", "url-of-new-url");
    Secret secret = get(Secret.class, "url-of-new-url").orElseThrow();
    secret.getData().put(Fixtures.URL_KEY, Base64.getEncoder().encodeToString(
        "postgres://u:other@db2.example.test:6432/pgml_db".getBytes(StandardCharsets.UTF_8)));
    client.resource(secret).update();
    await().atMost(WAIT).until(() -> !configHash("new-url").equals(hash));
  }

  /** External Secrets, Argo CD or kubectl annotate change a Secret's metadata, not what the pods run with. */
  @Test
  void annotatingTheUrlSecretDoesNotRollThePods() {
    String hash = start("annotated", "url-of-annotated");
    Secret secret = get(Secret.class, "url-of-annotated").orElseThrow();
    secret.getMetadata().setAnnotations(new java.util.HashMap<>(java.util.Map.of(
        "reconcile.external-secrets.io/data-hash", "0123456789abcdef")));
    client.resource(secret).update();
    int before = operator.reconciliations();
    await().atMost(WAIT).until(() -> operator.reconciliations() >= before + 3);
    assertThat(configHash("annotated")).isEqualTo(hash);
  }

  @Test
  void scaleSubresourceSetsReplicasAndTheDeploymentFollows() {
    start("scaled");
    client.resources(PgmlProxy.class).inNamespace(Fixtures.NAMESPACE).withName("scaled").scale(5);
    assertThat(proxy("scaled").getSpec().replicas).isEqualTo(5);
    await().atMost(WAIT).until(() -> get(Deployment.class, "scaled").orElseThrow().getSpec().getReplicas() == 5);
    markDeploymentReady("scaled");
    PgmlProxy status = awaitStatus("scaled", p -> Integer.valueOf(5).equals(p.getStatus().replicas));
    assertThat(status.getStatus().selector).isEqualTo("app.kubernetes.io/name=pgml-proxy,app.kubernetes.io/instance=scaled");
  }

  @Test
  void autoscalingAndNetworkPolicyAppearOnRequestAndGoWhenRemoved() {
    start("optional");
    editSpec("optional", spec -> {
      spec.autoscaling = new AutoscalingSpec();
      spec.autoscaling.minReplicas = 3;
      spec.autoscaling.maxReplicas = 9;
      spec.networkPolicy = new NetworkPolicySpec();
      spec.networkPolicy.allowedCIDRs = List.of("10.1.0.0/16");
    });
    HorizontalPodAutoscaler hpa = awaitExists(HorizontalPodAutoscaler.class, "optional");
    assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("PgmlProxy");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
    NetworkPolicy policy = awaitExists(NetworkPolicy.class, "optional");
    assertThat(policy.getSpec().getIngress().get(0).getFrom().get(0).getIpBlock().getCidr()).isEqualTo("10.1.0.0/16");
    // replicas (2) below the autoscaler's minimum: the Deployment starts at the minimum.
    await().atMost(WAIT).until(() -> get(Deployment.class, "optional").orElseThrow().getSpec().getReplicas() == 3);

    editSpec("optional", spec -> {
      spec.autoscaling = null;
      spec.networkPolicy = null;
    });
    await().atMost(WAIT).until(() -> get(HorizontalPodAutoscaler.class, "optional").isEmpty()
        && get(NetworkPolicy.class, "optional").isEmpty());
  }

  /** A PgmlProxy with its own URL Secret, once its Deployment exists; returns the pods' config hash. */
  private String start(String name) {
    return start(name, Fixtures.URL_SECRET);
  }

  private String start(String name, String urlSecret) {
    Secret secret = Fixtures.urlSecret(Fixtures.URL);
    secret.getMetadata().setName(urlSecret);
    client.resource(secret).createOr(r -> r.update());
    PgmlProxy proxy = Fixtures.proxy(name);
    proxy.getSpec().upstream.urlSecretRef.name = urlSecret;
    client.resource(proxy).create();
    awaitExists(Deployment.class, name);
    return configHash(name);
  }

  private String configFile(String name) {
    Secret config = get(Secret.class, name + "-config").orElseThrow();
    return new String(Base64.getDecoder().decode(config.getData().get("pgml-proxy.yaml")), StandardCharsets.UTF_8);
  }
}
