package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.testing.FreePorts;

/**
 * The built operator image (operator/Dockerfile) runs as the chart's Deployment starts it: the
 * chart's args and env, the chart's user, a read-only root and an in-memory /tmp. The Kubernetes
 * API is Fabric8's mock server (CRUD mode) on loopback, handed to the operator the way Fabric8
 * reads a cluster from the environment (KUBERNETES_MASTER, standing in for the pod's service
 * account). The container shares the host's network, so the test swaps the chart's
 * {@code --http-port} for a free port and adds {@code --http-host=127.0.0.1}. The operator must
 * answer /healthz and /readyz, reconcile examples/basic.yaml's PgmlProxy, and stop on SIGTERM.
 */
@ExtendWith(ImagesExtension.class)
@EnableKubernetesMockClient(crud = true, https = false)
class OperatorImageIT {

  /** The JVM's own status after SIGTERM once its shutdown hooks ran (128 + 15); 0 if main returned first. */
  private static final List<Integer> CLEAN_EXIT = List.of(0, 143);

  static KubernetesMockServer server;
  static KubernetesClient client;

  @Test
  void servesHealthReconcilesAndStopsOnSigterm(BuiltImages images) {
    Deployment chart = ChartTemplateTest.only(
        new StrictManifests().parse(ChartRenderer.ofRepositoryChart().template(), "chart"), Deployment.class);
    var pod = chart.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    int httpPort = FreePorts.next();
    Map<String, String> env = resolve(container.getEnv());
    env.put("KUBERNETES_MASTER", "http://127.0.0.1:" + server.getPort());
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    String user = pod.getSecurityContext().getRunAsUser() + ":" + pod.getSecurityContext().getRunAsGroup();

    try (ContainerRun operator = ContainerRun.start(images, BuiltImages.OPERATOR, "operator",
        new ContainerRun.Spec(loopbackArgs(container.getArgs(), httpPort), env, List.of(), user))) {
      operator.awaitWhileRunning("the operator's /healthz and /readyz", Duration.ofMinutes(2),
          () -> ProxyImageIT.status(httpPort, "/healthz") == 200 && ProxyImageIT.status(httpPort, "/readyz") == 200);

      for (HasMetadata object : ExamplesTest.MANIFESTS.parse(RepositoryLayout.examples().resolve("basic.yaml"))) {
        object.getMetadata().setNamespace(RenderedProxyPod.NAMESPACE);
        client.resource(object).create();
      }
      // The operator applies its objects with server-side apply, which the mock server does not
      // implement (the operator's own mock tests switch it off); that it reconciled what the API
      // holds is read from its metrics instead.
      operator.awaitWhileRunning("a reconciliation of basic.yaml's PgmlProxy", Duration.ofMinutes(2),
          () -> reconciliations(httpPort) > 0);

      operator.sigterm();
      long grace = pod.getTerminationGracePeriodSeconds() != null ? pod.getTerminationGracePeriodSeconds() : 30;
      assertThat(operator.awaitExit(Duration.ofSeconds(grace)))
          .as("exit status after SIGTERM; %s", operator.output()).isIn(CLEAN_EXIT);
      assertThat(operator.writesOutsideTmp()).as("files the container wrote outside /tmp").isEmpty();
    }
  }

  /** The sum of pgml_operator_reconciliations_total on the operator's /metrics (-1 while it does not answer). */
  private static double reconciliations(int httpPort) {
    try {
      String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + httpPort + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      return metrics.lines().filter(line -> line.startsWith("pgml_operator_reconciliations_total"))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** The chart's args with the health port moved to a free loopback port. */
  private static List<String> loopbackArgs(List<String> chartArgs, int httpPort) {
    List<String> args = new ArrayList<>();
    for (String arg : chartArgs) {
      args.add(arg.startsWith("--http-port=") ? "--http-port=" + httpPort : arg);
    }
    assertThat(args).as("the chart sets --http-port=N").contains("--http-port=" + httpPort);
    args.add("--http-host=127.0.0.1");
    return args;
  }

  /** The chart's env; the downward API's namespace is the release's. */
  private static Map<String, String> resolve(List<EnvVar> variables) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar variable : variables) {
      if (variable.getValueFrom() == null) {
        env.put(variable.getName(), variable.getValue());
      } else if (variable.getValueFrom().getFieldRef() != null
          && "metadata.namespace".equals(variable.getValueFrom().getFieldRef().getFieldPath())) {
        env.put(variable.getName(), ChartRenderer.NAMESPACE);
      } else {
        throw new AssertionError("env " + variable.getName() + " comes from a source the test cannot resolve");
      }
    }
    return env;
  }
}
