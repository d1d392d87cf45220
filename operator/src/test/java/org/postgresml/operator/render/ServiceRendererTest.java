package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.ServiceType;
import org.postgresml.operator.testing.Fixtures;

class ServiceRendererTest {

  @Test
  void clusterIpServiceSelectsThePodsOnBothPorts() {
    Service service = ServiceRenderer.render(Fixtures.proxy("p"));
    assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
    assertThat(service.getSpec().getSelector()).isEqualTo(FleetNames.selectorLabels(Fixtures.proxy("p")));
    assertThat(service.getSpec().getPorts()).extracting(p -> p.getName() + ":" + p.getPort() + "->" + p.getTargetPort().getStrVal())
        .containsExactly("postgres:6432->postgres", "http:9930->http");
    assertThat(service.getSpec().getLoadBalancerSourceRanges()).isNullOrEmpty();
  }

  @Test
  void loadBalancerCarriesAnnotationsAndSourceRanges() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().service.type = ServiceType.LoadBalancer;
    proxy.getSpec().service.port = 5432;
    proxy.getSpec().service.loadBalancerSourceRanges = List.of("10.0.0.0/16");
    proxy.getSpec().service.loadBalancerClass = "service.k8s.aws/nlb";
    proxy.getSpec().service.annotations.put("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal");

    Service service = ServiceRenderer.render(proxy);

    assertThat(service.getSpec().getType()).isEqualTo("LoadBalancer");
    assertThat(service.getSpec().getPorts().get(0).getPort()).isEqualTo(5432);
    assertThat(service.getSpec().getLoadBalancerSourceRanges()).containsExactly("10.0.0.0/16");
    assertThat(service.getSpec().getLoadBalancerClass()).isEqualTo("service.k8s.aws/nlb");
    assertThat(service.getMetadata().getAnnotations())
        .containsEntry("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal");
  }
}
