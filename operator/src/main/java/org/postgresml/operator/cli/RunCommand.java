package org.postgresml.operator.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.postgresml.operator.runtime.PgmlProxyOperator;
import org.postgresml.operator.api.spec.Durations;
import org.postgresml.operator.config.OperatorSettings;
import org.postgresml.operator.observe.HealthServer;
import org.postgresml.operator.observe.ReconciliationMetrics;
import org.postgresml.proxy.config.model.ConfigWords;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the operator: in-cluster credentials or the kubeconfig, like kubectl. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the operator (the default command).")
public final class RunCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  @Option(names = "--namespaces", split = ",", paramLabel = "NS", defaultValue = "${env:WATCH_NAMESPACES}",
      description = "Namespaces to watch, comma-separated (env WATCH_NAMESPACES); none: all namespaces.")
  List<String> namespaces = List.of();

  @Option(names = "--default-image", paramLabel = "IMAGE", defaultValue = "${env:PGML_PROXY_IMAGE}",
      description = "Proxy image for PgmlProxies without spec.image (env PGML_PROXY_IMAGE).")
  String defaultImage;

  @Option(names = "--leader-election", defaultValue = "${env:LEADER_ELECTION:-false}", fallbackValue = "true",
      arity = "0..1", description = "Elect a leader through a Lease before reconciling (env LEADER_ELECTION); "
      + "needed when the operator runs with more than one replica.")
  boolean leaderElection;

  @Option(names = "--lease-name", defaultValue = OperatorSettings.DEFAULT_LEASE_NAME, description = "Name of the Lease.")
  String leaseName;

  @Option(names = "--lease-namespace", defaultValue = "${env:POD_NAMESPACE}",
      description = "Namespace of the Lease (env POD_NAMESPACE); none: the operator's own namespace.")
  String leaseNamespace;

  @Option(names = "--http-port", defaultValue = "8080",
      description = "Port of /healthz, /readyz and /metrics (default ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(names = "--http-host", defaultValue = ConfigWords.ALL_ADDRESSES, paramLabel = "ADDRESS",
      description = "Address /healthz, /readyz and /metrics listen on (default ${DEFAULT-VALUE}: every interface).")
  String httpHost;

  @Option(names = "--resync", defaultValue = "10m", description = "Reconcile every PgmlProxy at least this often.")
  String resync;

  @Override
  public Integer call() throws Exception {
    OperatorSettings settings = new OperatorSettings(new LinkedHashSet<>(namespaces == null ? List.of() : namespaces),
        defaultImage != null && !defaultImage.isBlank() ? defaultImage : OperatorSettings.defaultImageForThisVersion(),
        leaderElection, leaseName, leaseNamespace, Duration.ofMinutes(1), Durations.parse(resync));
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    KubernetesClient client = new KubernetesClientBuilder().build();
    Operator operator = PgmlProxyOperator.create(client, settings, new ReconciliationMetrics(registry), o -> {
    });
    try (HealthServer health = new HealthServer(new InetSocketAddress(httpHost, httpPort),
        () -> operator.getRuntimeInfo().allEventSourcesAreHealthy() || !operator.getRuntimeInfo().isStarted(),
        () -> operator.getRuntimeInfo().isStarted(), registry)) {
      LOG.info("watching {}; default proxy image {}; leader election {}; health on :{}",
          settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces(), settings.defaultImage(),
          leaderElection ? "on" : "off", health.port());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        operator.stop();
        client.close();
        stopped.countDown();
      }, "operator-shutdown"));
      operator.start();
      stopped.await();
    }
    return 0;
  }
}
