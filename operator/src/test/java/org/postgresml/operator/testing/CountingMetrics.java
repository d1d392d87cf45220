package org.postgresml.operator.testing;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts finished reconciliations, so a test knows a resync happened before it counts API writes. */
public final class CountingMetrics implements Metrics {

  private final AtomicInteger finished = new AtomicInteger();

  @Override
  public void finishedReconciliation(HasMetadata resource, Map<String, Object> metadata) {
    finished.incrementAndGet();
  }

  public int finished() {
    return finished.get();
  }
}
