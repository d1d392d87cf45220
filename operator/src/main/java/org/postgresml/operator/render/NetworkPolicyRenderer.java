package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.NetworkPolicySpec;

/**
 * Admits the listed clients (and the fleet's own pods, which forward cancels) to the PostgreSQL
 * port and scrapers to the metrics port; nothing else.
 */
public final class NetworkPolicyRenderer {

  private NetworkPolicyRenderer() {
  }

  public static NetworkPolicy render(PgmlProxy proxy) {
    NetworkPolicySpec spec = proxy.getSpec().networkPolicy;
    List<NetworkPolicyPeer> clients = new ArrayList<>();
    spec.allowedCIDRs.forEach(cidr -> clients.add(new NetworkPolicyPeerBuilder().withNewIpBlock().withCidr(cidr)
        .endIpBlock().build()));
    if (spec.allowedNamespaceSelector != null) {
      clients.add(new NetworkPolicyPeerBuilder().withNamespaceSelector(spec.allowedNamespaceSelector).build());
    }
    // The fleet's own pods forward cancels to each other on the PostgreSQL port.
    clients.add(new NetworkPolicyPeerBuilder().withNewPodSelector().withMatchLabels(FleetNames.selectorLabels(proxy))
        .endPodSelector().build());
    LabelSelector scrapers = spec.metricsNamespaceSelector != null ? spec.metricsNamespaceSelector : new LabelSelector();
    return new NetworkPolicyBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.fleet(proxy)))
        .withNewSpec()
          .withNewPodSelector().withMatchLabels(FleetNames.selectorLabels(proxy)).endPodSelector()
          .withPolicyTypes("Ingress")
          .withIngress(rule(ContainerLayout.PG_PORT, clients),
              rule(ContainerLayout.HTTP_PORT,
                  List.of(new NetworkPolicyPeerBuilder().withNamespaceSelector(scrapers).build())))
        .endSpec()
        .build();
  }

  private static NetworkPolicyIngressRule rule(int port, List<NetworkPolicyPeer> from) {
    return new NetworkPolicyIngressRuleBuilder()
        .addNewPort().withPort(new IntOrString(port)).withProtocol("TCP").endPort()
        .withFrom(from)
        .build();
  }
}
