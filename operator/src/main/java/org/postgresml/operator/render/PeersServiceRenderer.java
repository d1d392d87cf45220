package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import org.postgresml.operator.api.PgmlProxy;

/**
 * Fleet-wide cancel (docs/configuration.md): a headless Service whose DNS name resolves to every
 * ready proxy pod, so a replica that receives a cancel for another's session finds its peers, and
 * scaling needs no configuration change; plus the proxy flags that point at it and at the shared secret.
 */
public final class PeersServiceRenderer {

  private PeersServiceRenderer() {
  }

  public static Service render(PgmlProxy proxy) {
    return new ServiceBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.peersService(proxy)))
        .withNewSpec()
          .withClusterIP("None")
          // Only ready pods (a pod that cannot serve holds no session to cancel): the API server's
          // default. Not written as false: the field is a Go bool with omitempty, the server stores
          // nothing, and server-side apply would then never match (a write on every reconcile).
          .withSelector(FleetNames.selectorLabels(proxy))
          .addNewPort()
            .withName(ContainerLayout.PG_PORT_NAME)
            .withPort(ContainerLayout.PG_PORT)
            .withTargetPort(new IntOrString(ContainerLayout.PG_PORT_NAME))
            .withProtocol("TCP")
          .endPort()
        .endSpec()
        .build();
  }

  /**
   * The proxy container's arguments. The short Service name resolves through the pod's own
   * namespace search domain, so no cluster domain is assumed.
   */
  public static List<String> proxyArgs(PgmlProxy proxy) {
    return List.of("--config", ContainerLayout.CONFIG_FILE,
        "--fleet-peers-dns", FleetNames.peersService(proxy),
        "--fleet-secret-file", ContainerLayout.FLEET_DIR + "/" + ContainerLayout.FLEET_SECRET_KEY);
  }
}
