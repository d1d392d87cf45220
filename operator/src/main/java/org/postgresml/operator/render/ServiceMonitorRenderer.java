package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.MonitoringSpec;

/**
 * A Prometheus Operator ServiceMonitor. Its Java model is not on our class path (and its CRD may
 * not be in the cluster), so it is a generic resource.
 */
public final class ServiceMonitorRenderer {

  public static final String GROUP = "monitoring.coreos.com";
  public static final String VERSION = "v1";
  public static final String KIND = "ServiceMonitor";
  public static final String PLURAL = "servicemonitors";
  public static final String CRD_NAME = PLURAL + "." + GROUP;

  private ServiceMonitorRenderer() {
  }

  public static GenericKubernetesResource render(PgmlProxy proxy) {
    MonitoringSpec spec = proxy.getSpec().monitoring;
    ObjectMeta metadata = ObjectMetas.of(proxy, FleetNames.fleet(proxy), spec.labels);

    Map<String, Object> endpoint = new LinkedHashMap<>();
    endpoint.put("port", ContainerLayout.HTTP_PORT_NAME);
    endpoint.put("path", ContainerLayout.METRICS_PATH);
    endpoint.put("interval", spec.interval);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("selector", Map.of("matchLabels", FleetNames.selectorLabels(proxy)));
    body.put("endpoints", List.of(endpoint));
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(GROUP + "/" + VERSION)
        .withKind(KIND)
        .withMetadata(metadata)
        .withAdditionalProperties(Map.of("spec", body))
        .build();
  }
}
