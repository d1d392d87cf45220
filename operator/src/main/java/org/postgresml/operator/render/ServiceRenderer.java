package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.LinkedHashMap;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.ServiceSpec;
import org.postgresml.operator.api.spec.ServiceType;

/** The Service clients connect to; it also carries the metrics port the ServiceMonitor scrapes. */
public final class ServiceRenderer {

  private ServiceRenderer() {
  }

  public static Service render(PgmlProxy proxy) {
    ServiceSpec spec = proxy.getSpec().service;
    ObjectMeta metadata = ObjectMetas.of(proxy, FleetNames.fleet(proxy), spec.labels);
    metadata.setAnnotations(new LinkedHashMap<>(spec.annotations));
    boolean loadBalancer = spec.type == ServiceType.LoadBalancer;
    return new ServiceBuilder()
        .withMetadata(metadata)
        .withNewSpec()
          .withType(spec.type.name())
          .withSelector(FleetNames.selectorLabels(proxy))
          .withPorts(port(ContainerLayout.PG_PORT_NAME, spec.port),
              port(ContainerLayout.HTTP_PORT_NAME, ContainerLayout.HTTP_PORT))
          .withLoadBalancerSourceRanges(loadBalancer && !spec.loadBalancerSourceRanges.isEmpty()
              ? spec.loadBalancerSourceRanges : null)
          .withLoadBalancerClass(loadBalancer ? spec.loadBalancerClass : null)
        .endSpec()
        .build();
  }

  private static ServicePort port(String name, int port) {
    return new ServicePortBuilder()
        .withName(name)
        .withPort(port)
        .withTargetPort(new IntOrString(name))
        .withProtocol("TCP")
        .build();
  }
}
