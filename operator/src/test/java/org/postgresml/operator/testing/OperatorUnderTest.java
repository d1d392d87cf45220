package org.postgresml.operator.testing;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.postgresml.operator.runtime.PgmlProxyOperator;
import org.postgresml.operator.config.OperatorSettings;

/** Starts the real operator against the Fabric8 mock API server. */
public final class OperatorUnderTest implements AutoCloseable {

  public static final String IMAGE = "registry.test/pgml-proxy:test";
  /** Short, so a test sees several resyncs of an unchanged fleet. */
  public static final Duration RESYNC = Duration.ofSeconds(1);
  /** Short, so a changed referenced Secret is read again within a test's patience. */
  public static final Duration SECRET_POLL = Duration.ofMillis(500);

  private final Operator operator;
  private final CountingMetrics metrics;

  private OperatorUnderTest(Operator operator, CountingMetrics metrics) {
    this.operator = operator;
    this.metrics = metrics;
  }

  /** Reconciliations finished so far. */
  public int reconciliations() {
    return metrics.finished();
  }

  /** Reconciliations of the PgmlProxy {@code name} finished so far. */
  public int reconciliations(String name) {
    return metrics.finished(name);
  }

  public static OperatorUnderTest start(KubernetesClient client) {
    return start(client, settings(), null);
  }

  /**
   * The operator as production runs it, server-side apply included, for a mock API server that
   * serves apply patches ({@link org.postgresml.operator.apiserver.ApiServerDispatcher}).
   */
  public static OperatorUnderTest startWithServerSideApply(KubernetesClient client) {
    return start(client, settings(), null, true);
  }

  private static OperatorSettings settings() {
    return new OperatorSettings(Set.of(), IMAGE, false, OperatorSettings.DEFAULT_LEASE_NAME,
        null, Duration.ofMillis(200), RESYNC, SECRET_POLL);
  }

  /** @param metrics also told about reconciliations (may be null) */
  public static OperatorUnderTest start(KubernetesClient client, OperatorSettings settings, Metrics metrics) {
    return start(client, settings, metrics, false);
  }

  private static OperatorUnderTest start(KubernetesClient client, OperatorSettings settings, Metrics metrics,
      boolean serverSideApply) {
    installCrd(client);
    // The only test-specific switches: no server-side apply where the mock server lacks it, and
    // leader election that does not exit the JVM.
    CountingMetrics counting = new CountingMetrics(metrics);
    Operator operator = PgmlProxyOperator.create(client, settings, counting, o -> {
      if (!serverSideApply) {
        PgmlProxyOperator.withoutServerSideApply(o);
      }
      // Production exits when it loses the Lease (a restart rejoins the election); a test JVM must not.
      o.withLeaderElectionConfiguration(!settings.leaderElection() ? null : new LeaderElectionConfiguration(
          settings.leaseName(), settings.leaseNamespace(), LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
          LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
          LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, null, null, false));
    });
    operator.start();
    return new OperatorUnderTest(operator, counting);
  }

  /** The mock server learns the PgmlProxy kind (plural, scope, subresources) from its CRD. */
  public static void installCrd(KubernetesClient client) {
    CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
        .load(Path.of("target/classes/META-INF/fabric8/pgmlproxies.postgresml.org-v1.yml").toFile()).item();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(c -> c.update());
  }

  public Operator operator() {
    return operator;
  }

  @Override
  public void close() {
    operator.stop();
  }
}
