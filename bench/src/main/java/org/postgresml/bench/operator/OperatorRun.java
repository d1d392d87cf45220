package org.postgresml.bench.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.postgresml.operator.runtime.PgmlProxyOperator;
import org.postgresml.operator.config.OperatorSettings;
import org.postgresml.operator.observe.ReconciliationMetrics;

/**
 * The real operator (PgmlProxyOperator, as the operator process builds it) in this JVM, watching
 * all namespaces of the mock server, without server-side apply (the mock lacks it; the same switch
 * as the operator's ITs). Its reconciliations are counted by the operator's own metrics.
 */
public final class OperatorRun implements AutoCloseable {

  private final Operator operator;
  private final SimpleMeterRegistry registry;

  private OperatorRun(Operator operator, SimpleMeterRegistry registry) {
    this.operator = operator;
    this.registry = registry;
  }

  /**
   * Starts it and returns once its informers have listed what exists (JOSDK's start waits for that).
   *
   * @param resync longest time between two reconciliations of a PgmlProxy without an event
   */
  public static OperatorRun start(KubernetesClient client, Duration resync) {
    OperatorSettings settings = new OperatorSettings(Set.of(), OperatorSettings.defaultImageForThisVersion(), false,
        OperatorSettings.DEFAULT_LEASE_NAME, null, Duration.ofMinutes(1), resync);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Operator operator = PgmlProxyOperator.create(client, settings, new ReconciliationMetrics(registry),
        PgmlProxyOperator::withoutServerSideApply);
    operator.start();
    return new OperatorRun(operator, registry);
  }

  /** Reconciliations finished so far, whatever their outcome. */
  public long reconciliations() {
    return registry.find(ReconciliationMetrics.EXECUTION).tag("execution", "reconcile").timers().stream()
        .mapToLong(Timer::count).sum();
  }

  /** Reconciliations that threw. */
  public long failures() {
    return (long) registry.find(ReconciliationMetrics.FAILURES).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** How many PgmlProxies JOSDK reconciles at once. */
  public int reconcileThreads() {
    return operator.getConfigurationService().concurrentReconciliationThreads();
  }

  @Override
  public void close() {
    operator.stop();
  }
}
