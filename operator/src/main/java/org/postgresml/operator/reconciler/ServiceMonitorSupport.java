package org.postgresml.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.postgresml.operator.render.ServiceMonitorRenderer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the cluster has the ServiceMonitor CRD. Asked at most once per interval, so resyncs do
 * not turn into API requests; installing Prometheus Operator later is noticed within it.
 */
public final class ServiceMonitorSupport {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceMonitorSupport.class);

  private final KubernetesClient client;
  private final Duration interval;
  private final Clock clock;
  private Instant checkedAt = Instant.MIN;
  private boolean present;

  public ServiceMonitorSupport(KubernetesClient client, Duration interval, Clock clock) {
    this.client = client;
    this.interval = interval;
    this.clock = clock;
  }

  public synchronized boolean present() {
    Instant now = Instant.now(clock);
    if (checkedAt.plus(interval).isAfter(now)) {
      return present;
    }
    try {
      present = client.apiextensions().v1().customResourceDefinitions()
          .withName(ServiceMonitorRenderer.CRD_NAME).get() != null;
    } catch (KubernetesClientException e) {
      LOG.warn("cannot tell whether the ServiceMonitor CRD exists (HTTP {}); assuming it does not", e.getCode());
      present = false;
    }
    checkedAt = now;
    return present;
  }
}
