package org.postgresml.operator.apiserver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The values a real API server fills in when a field is absent (the defaulting functions of the
 * Kubernetes API types), and the ones it allocates (a Service's cluster IP and node ports). None
 * of them is owned by the operator's field manager, so JOSDK's matcher must look past them.
 */
final class ServerDefaults {

  private static final AtomicInteger NEXT_ADDRESS = new AtomicInteger(10);
  private static final AtomicInteger NEXT_NODE_PORT = new AtomicInteger(30000);

  private ServerDefaults() {
  }

  static void apply(String kind, Map<String, Object> object) {
    Map<String, Object> spec = child(object, "spec");
    switch (kind) {
      case "Deployment" -> deployment(spec);
      case "Service" -> service(spec);
      case "Secret" -> object.putIfAbsent("type", "Opaque");
      case "HorizontalPodAutoscaler" -> autoscaler(spec);
      case "NetworkPolicy" -> networkPolicy(spec);
      default -> {
      }
    }
  }

  private static void deployment(Map<String, Object> spec) {
    spec.putIfAbsent("replicas", 1);
    spec.putIfAbsent("revisionHistoryLimit", 10);
    spec.putIfAbsent("progressDeadlineSeconds", 600);
    Map<String, Object> strategy = child(spec, "strategy");
    strategy.putIfAbsent("type", "RollingUpdate");
    if ("RollingUpdate".equals(strategy.get("type"))) {
      Map<String, Object> rolling = child(strategy, "rollingUpdate");
      rolling.putIfAbsent("maxUnavailable", "25%");
      rolling.putIfAbsent("maxSurge", "25%");
    }
    Map<String, Object> pod = child(child(spec, "template"), "spec");
    pod.putIfAbsent("restartPolicy", "Always");
    pod.putIfAbsent("terminationGracePeriodSeconds", 30);
    pod.putIfAbsent("dnsPolicy", "ClusterFirst");
    pod.putIfAbsent("schedulerName", "default-scheduler");
    pod.putIfAbsent("securityContext", new LinkedHashMap<>());
    for (Map<String, Object> container : list(pod, "containers")) {
      container(container);
    }
    for (Map<String, Object> container : list(pod, "initContainers")) {
      container(container);
    }
    for (Map<String, Object> volume : list(pod, "volumes")) {
      if (volume.get("secret") instanceof Map<?, ?> secret) {
        FieldSets.cast(secret).putIfAbsent("defaultMode", 420);
      }
    }
  }

  private static void container(Map<String, Object> container) {
    container.putIfAbsent("terminationMessagePath", "/dev/termination-log");
    container.putIfAbsent("terminationMessagePolicy", "File");
    String image = String.valueOf(container.get("image"));
    container.putIfAbsent("imagePullPolicy", image.endsWith(":latest") || !image.contains(":") ? "Always" : "IfNotPresent");
    for (Map<String, Object> port : list(container, "ports")) {
      port.putIfAbsent("protocol", "TCP");
    }
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      if (container.get(probe) instanceof Map<?, ?> found) {
        Map<String, Object> values = FieldSets.cast(found);
        values.putIfAbsent("timeoutSeconds", 1);
        values.putIfAbsent("periodSeconds", 10);
        values.putIfAbsent("successThreshold", 1);
        values.putIfAbsent("failureThreshold", 3);
        if (values.get("httpGet") instanceof Map<?, ?> httpGet) {
          FieldSets.cast(httpGet).putIfAbsent("scheme", "HTTP");
        }
      }
    }
  }

  private static void service(Map<String, Object> spec) {
    spec.putIfAbsent("type", "ClusterIP");
    spec.putIfAbsent("sessionAffinity", "None");
    spec.putIfAbsent("internalTrafficPolicy", "Cluster");
    if (!spec.containsKey("clusterIP")) {
      spec.put("clusterIP", "10.96.0." + NEXT_ADDRESS.getAndIncrement() % 250);
    }
    spec.putIfAbsent("clusterIPs", new ArrayList<>(List.of(spec.get("clusterIP"))));
    spec.putIfAbsent("ipFamilies", new ArrayList<>(List.of("IPv4")));
    spec.putIfAbsent("ipFamilyPolicy", "SingleStack");
    boolean external = "LoadBalancer".equals(spec.get("type")) || "NodePort".equals(spec.get("type"));
    if (external) {
      spec.putIfAbsent("externalTrafficPolicy", "Cluster");
    }
    if ("LoadBalancer".equals(spec.get("type"))) {
      spec.putIfAbsent("allocateLoadBalancerNodePorts", true);
    }
    for (Map<String, Object> port : list(spec, "ports")) {
      port.putIfAbsent("protocol", "TCP");
      port.putIfAbsent("targetPort", port.get("port"));
      if (external) {
        port.putIfAbsent("nodePort", NEXT_NODE_PORT.getAndIncrement());
      }
    }
  }

  private static void autoscaler(Map<String, Object> spec) {
    Map<String, Object> behavior = child(spec, "behavior");
    Map<String, Object> up = child(behavior, "scaleUp");
    up.putIfAbsent("stabilizationWindowSeconds", 0);
    up.putIfAbsent("selectPolicy", "Max");
    up.putIfAbsent("policies", new ArrayList<>(List.of(
        new LinkedHashMap<>(Map.of("type", "Pods", "value", 4, "periodSeconds", 15)),
        new LinkedHashMap<>(Map.of("type", "Percent", "value", 100, "periodSeconds", 15)))));
    Map<String, Object> down = child(behavior, "scaleDown");
    down.putIfAbsent("selectPolicy", "Max");
    down.putIfAbsent("policies", new ArrayList<>(List.of(
        new LinkedHashMap<>(Map.of("type", "Percent", "value", 100, "periodSeconds", 15)))));
  }

  private static void networkPolicy(Map<String, Object> spec) {
    for (Map<String, Object> rule : list(spec, "ingress")) {
      for (Map<String, Object> port : list(rule, "ports")) {
        port.putIfAbsent("protocol", "TCP");
      }
    }
  }

  private static Map<String, Object> child(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    if (value instanceof Map<?, ?> map) {
      return FieldSets.cast(map);
    }
    Map<String, Object> created = new LinkedHashMap<>();
    parent.put(key, created);
    return created;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
    return parent.get(key) instanceof List<?> items ? (List<Map<String, Object>>) items : List.of();
  }
}
