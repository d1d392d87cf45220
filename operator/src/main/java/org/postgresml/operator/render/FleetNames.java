package org.postgresml.operator.render;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.postgresml.operator.api.PgmlProxy;

/** The one home of the names, labels and annotations of a fleet's objects. */
public final class FleetNames {

  public static final String APP = "pgml-proxy";
  public static final String MANAGED_BY = "pgml-proxy-operator";
  public static final String LABEL_NAME = "app.kubernetes.io/name";
  public static final String LABEL_INSTANCE = "app.kubernetes.io/instance";
  public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
  public static final String LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
  /** Hash of the rendered configuration and of the referenced Secrets' versions: a change rolls the pods. */
  public static final String CONFIG_HASH_ANNOTATION = "postgresml.org/config-hash";

  private FleetNames() {
  }

  /** Name of the Deployment, Service, PodDisruptionBudget, HPA, NetworkPolicy and ServiceMonitor. */
  public static String fleet(PgmlProxy proxy) {
    return proxy.getMetadata().getName();
  }

  /** The headless Service whose DNS name lists the fleet's pods, for fleet-wide cancel. */
  public static String peersService(PgmlProxy proxy) {
    return fleet(proxy) + "-peers";
  }

  /** The generated Secret the fleet's pods share to sign forwarded cancels. */
  public static String fleetSecret(PgmlProxy proxy) {
    return fleet(proxy) + "-fleet";
  }

  public static String configSecret(PgmlProxy proxy) {
    return fleet(proxy) + "-config";
  }

  /** The client-auth Secret in use: the referenced one, else the generated one. */
  public static String clientAuthSecret(PgmlProxy proxy) {
    var ref = proxy.getSpec().clientAuth.secretRef;
    return ref != null ? ref.name : generatedClientAuthSecret(proxy);
  }

  public static String generatedClientAuthSecret(PgmlProxy proxy) {
    return fleet(proxy) + "-client-auth";
  }

  /** Labels that select the fleet's pods; never change them (Deployment selectors are immutable). */
  public static Map<String, String> selectorLabels(PgmlProxy proxy) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(LABEL_NAME, APP);
    labels.put(LABEL_INSTANCE, fleet(proxy));
    return labels;
  }

  /** Labels of every object of the fleet. */
  public static Map<String, String> labels(PgmlProxy proxy) {
    Map<String, String> labels = selectorLabels(proxy);
    labels.put(LABEL_COMPONENT, "proxy");
    labels.put(LABEL_MANAGED_BY, MANAGED_BY);
    return labels;
  }

  /** The selector in the string form of the scale subresource ({@code status.selector}). */
  public static String selector(PgmlProxy proxy) {
    return selectorLabels(proxy).entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(","));
  }

  /** DNS name of the fleet's Service inside the cluster. */
  public static String serviceHost(PgmlProxy proxy) {
    return fleet(proxy) + "." + proxy.getMetadata().getNamespace() + ".svc";
  }
}
