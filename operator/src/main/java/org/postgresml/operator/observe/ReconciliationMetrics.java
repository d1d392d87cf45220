package org.postgresml.operator.observe;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;

/**
 * JOSDK's reconciliation hooks as Micrometer meters (Prometheus names
 * {@code pgml_operator_reconciliations_total}, {@code ..._failures_total}, {@code ..._seconds}).
 * Tags are the controller name and outcome only: resource names would grow without bound.
 */
public final class ReconciliationMetrics implements Metrics {

  /** Counter of started reconciliations. */
  public static final String STARTED = "pgml.operator.reconciliations";
  /** Counter of reconciliations that threw. */
  public static final String FAILURES = "pgml.operator.reconciliation.failures";
  /** Timer of controller executions, tagged {@code execution} (reconcile or cleanup) and {@code outcome}. */
  public static final String EXECUTION = "pgml.operator.reconciliation";

  private final MeterRegistry registry;

  public ReconciliationMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void reconcileCustomResource(HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
    Counter.builder(STARTED).description("Reconciliations started")
        .tag("kind", resource.getKind()).register(registry).increment();
  }

  @Override
  public void failedReconciliation(HasMetadata resource, Exception exception, Map<String, Object> metadata) {
    Counter.builder(FAILURES).description("Reconciliations that threw")
        .tag("kind", resource.getKind()).tag("exception", exception.getClass().getSimpleName())
        .register(registry).increment();
  }

  @Override
  public <T> T timeControllerExecution(ControllerExecution<T> execution) throws Exception {
    Timer.Sample sample = Timer.start(registry);
    String outcome = "failure";
    try {
      T result = execution.execute();
      outcome = execution.successTypeName(result);
      return result;
    } finally {
      sample.stop(Timer.builder(EXECUTION).description("Time of one controller execution")
          .tag("controller", execution.controllerName()).tag("execution", execution.name())
          .tag("outcome", outcome).register(registry));
    }
  }
}
