package org.postgresml.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts finished reconciliations, so a test knows a resync happened before it counts API writes;
 * passes every call on to the operator's own metrics when a test gives them.
 */
final class CountingMetrics implements Metrics {

  private final AtomicInteger finished = new AtomicInteger();
  private final Map<String, AtomicInteger> finishedByName = new ConcurrentHashMap<>();
  private final Metrics next;

  CountingMetrics(Metrics next) {
    this.next = next != null ? next : Metrics.NOOP;
  }

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.incrementAndGet();
    finishedByName.computeIfAbsent(resource.getMetadata().getName(), name -> new AtomicInteger()).incrementAndGet();
    next.finishedReconciliation(resource, metadata);
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    next.reconcileCustomResource(resource, retryInfo, metadata);
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    next.failedReconciliation(resource, exception, metadata);
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    return next.timeControllerExecution(execution);
  }

  int finished() {
    return finished.get();
  }

  int finished(String name) {
    AtomicInteger count = finishedByName.get(name);
    return count == null ? 0 : count.get();
  }
}
