package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.NetworkPolicySpec;
import org.postgresml.operator.testing.Fixtures;

/** Fleet-wide cancel: the headless peers Service, the shared secret, the flags and the network rule. */
class FleetCancelRenderersTest {

  @Test
  void peersServiceIsHeadlessOverTheReadyProxyPods() {
    PgmlProxy proxy = Fixtures.proxy("p");
    Service service = PeersServiceRenderer.render(proxy);
    assertThat(service.getMetadata().getName()).isEqualTo("p-peers");
    assertThat(service.getMetadata().getLabels()).containsAllEntriesOf(FleetNames.labels(proxy));
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    // Left to the API server's default (false): an explicit false on an omitempty field loops server-side apply.
    assertThat(service.getSpec().getPublishNotReadyAddresses()).isNull();
    assertThat(service.getSpec().getSelector()).isEqualTo(FleetNames.selectorLabels(proxy));
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "->"
        + p.getTargetPort().getStrVal()).containsExactly("postgres:6432->postgres");
  }

  @Test
  void fleetSecretHoldsAFreshSecretLongEnoughForTheProxy() {
    PgmlProxy proxy = Fixtures.proxy("p");
    Secret first = FleetSecretRenderer.render(proxy, FleetSecretRenderer::newSecret);
    Secret second = FleetSecretRenderer.render(proxy, FleetSecretRenderer::newSecret);
    assertThat(first.getMetadata().getName()).isEqualTo("p-fleet");
    assertThat(first.getType()).isEqualTo("Opaque");
    String secret = decode(first.getData().get("secret"));
    assertThat(secret).hasSize(64).matches("[0-9a-f]+");
    assertThat(decode(second.getData().get("secret"))).isNotEqualTo(secret);
  }

  @Test
  void proxyArgsPointAtThePeersServiceAndTheMountedSecret() {
    assertThat(PeersServiceRenderer.proxyArgs(Fixtures.proxy("db-proxy"))).containsExactly(
        "--config", ContainerLayout.CONFIG_FILE, "--fleet-peers-dns", "db-proxy-peers",
        "--fleet-secret-file", "/etc/pgml-proxy/fleet/secret");
  }

  @Test
  void networkPolicyLetsTheFleetsPodsReachEachOther() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().networkPolicy = new NetworkPolicySpec();
    proxy.getSpec().networkPolicy.allowedCIDRs = java.util.List.of("10.0.0.0/16");
    NetworkPolicy policy = NetworkPolicyRenderer.render(proxy);
    assertThat(policy.getSpec().getIngress().get(0).getFrom()).extracting(NetworkPolicyPeer::getPodSelector)
        .filteredOn(java.util.Objects::nonNull)
        .singleElement().satisfies(selector -> assertThat(selector.getMatchLabels())
            .isEqualTo(FleetNames.selectorLabels(proxy)));
  }

  @Test
  void theRenderCommandListsBothNewObjects() {
    PgmlProxy proxy = Fixtures.proxy("p");
    assertThat(FleetRenderer.render(proxy, DeploymentRendererTest.INPUTS, () -> "pw"))
        .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
        .contains("Secret/p-fleet", "Service/p-peers");
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
