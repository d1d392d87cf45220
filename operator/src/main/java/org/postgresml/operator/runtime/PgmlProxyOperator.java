package org.postgresml.operator.runtime;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.time.Clock;
import java.util.function.Consumer;
import org.postgresml.operator.config.OperatorSettings;
import org.postgresml.operator.dependent.ServiceMonitorApplier;
import org.postgresml.operator.reconciler.EventPublisher;
import org.postgresml.operator.reconciler.PgmlProxyReconciler;
import org.postgresml.operator.reconciler.ServiceMonitorSupport;
import org.postgresml.operator.reconciler.StatusComputer;
import org.postgresml.operator.validation.InputsResolver;

/** Builds the JOSDK operator with the PgmlProxy controller, for the process and for tests alike. */
public final class PgmlProxyOperator {

  private PgmlProxyOperator() {
  }

  /**
   * @param overrides extra configuration; production passes none (tests and the benchmark pass
   *     {@link #withoutServerSideApply}, because the mock API server lacks server-side apply)
   */
  public static Operator create(KubernetesClient client, OperatorSettings settings, Metrics metrics,
      Consumer<ConfigurationServiceOverrider> overrides) {
    Clock clock = Clock.systemUTC();
    Operator operator = new Operator(o -> {
      o.withKubernetesClient(client)
          .withMetrics(metrics)
          .withCloseClientOnStop(false);
      if (settings.leaderElection()) {
        o.withLeaderElectionConfiguration(
            new LeaderElectionConfiguration(settings.leaseName(), settings.leaseNamespace()));
      }
      overrides.accept(o);
    });
    var reconciler = new PgmlProxyReconciler(
        new InputsResolver(settings.defaultImage()),
        new StatusComputer(clock),
        new ServiceMonitorSupport(client, settings.serviceMonitorCheckInterval(), clock),
        new EventPublisher(client, clock),
        new ServiceMonitorApplier(client),
        settings.secretPollInterval());
    operator.register(reconciler, c -> {
      c.withReconciliationMaxInterval(settings.resyncInterval());
      if (settings.namespaces().isEmpty()) {
        c.watchingAllNamespaces();
      } else {
        c.settingNamespaces(settings.namespaces());
      }
    });
    return operator;
  }

  /**
   * JOSDK's classic create/update with its generic matcher instead of server-side apply, for the
   * Fabric8 mock API server, which does not implement it (creating a dependent answers 404,
   * patching status 415). The operator's ITs and the benchmark share this one switch, so both
   * measure the same code path; production keeps server-side apply.
   */
  public static void withoutServerSideApply(ConfigurationServiceOverrider overrider) {
    overrider.withSSABasedCreateUpdateMatchForDependentResources(false)
        .withUseSSAToPatchPrimaryResource(false);
  }
}
