package org.postgresml.operator.config;

import java.time.Duration;
import java.util.Set;

/**
 * How the operator process runs.
 *
 * @param namespaces namespaces to watch; empty: all namespaces
 * @param defaultImage proxy image for PgmlProxies without spec.image
 * @param leaderElection whether replicas elect a leader through a Lease before reconciling
 * @param leaseName name of that Lease
 * @param leaseNamespace namespace of that Lease; null: the operator's own namespace
 * @param serviceMonitorCheckInterval how often the ServiceMonitor CRD's presence is asked again
 * @param resyncInterval longest time between two reconciliations of a PgmlProxy without an event
 * @param secretPollInterval how often the Secrets a PgmlProxy references are read again (by name:
 *     the operator watches no Secret it does not own), so a changed URL rolls the pods within it
 */
public record OperatorSettings(Set<String> namespaces, String defaultImage, boolean leaderElection,
    String leaseName, String leaseNamespace, Duration serviceMonitorCheckInterval, Duration resyncInterval,
    Duration secretPollInterval) {

  public static final Duration DEFAULT_SECRET_POLL_INTERVAL = Duration.ofMinutes(1);

  public OperatorSettings(Set<String> namespaces, String defaultImage, boolean leaderElection, String leaseName,
      String leaseNamespace, Duration serviceMonitorCheckInterval, Duration resyncInterval) {
    this(namespaces, defaultImage, leaderElection, leaseName, leaseNamespace, serviceMonitorCheckInterval,
        resyncInterval, DEFAULT_SECRET_POLL_INTERVAL);
  }

  public static final String DEFAULT_IMAGE_REPOSITORY = "ghcr.io/postgresml/pgml-proxy";
  public static final String DEFAULT_LEASE_NAME = "pgml-proxy-operator-lease";

  public OperatorSettings {
    namespaces = Set.copyOf(namespaces);
  }

  /** The image of the proxy that was released together with this operator. */
  public static String defaultImageForThisVersion() {
    String version = OperatorSettings.class.getPackage().getImplementationVersion();
    return DEFAULT_IMAGE_REPOSITORY + ":" + (version != null ? version : "latest");
  }
}
