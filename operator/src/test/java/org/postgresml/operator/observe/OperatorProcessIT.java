package org.postgresml.operator.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.config.OperatorSettings;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.OperatorUnderTest;

/** The operator process's extras: leader election through a Lease, a namespace list, health and metrics. */
@EnableKubernetesMockClient(crud = true)
class OperatorProcessIT {

  KubernetesClient client;
  KubernetesMockServer server;

  @Test
  void electsALeaderWatchesItsNamespacesAndReportsHealthAndMetrics() throws Exception {
    for (String namespace : new String[] {Fixtures.NAMESPACE, "elsewhere", "ops"}) {
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build())
          .create();
    }
    // JOSDK asks, before electing, whether it may use Leases; the mock server cannot answer a
    // SelfSubjectRulesReview, so it is told what a granted chart's RBAC would answer.
    server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
        .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata().withNewStatus()
            .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
            .withVerbs("get", "create", "update").endResourceRule().withIncomplete(false).endStatus().build())
        .always();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    OperatorSettings settings = new OperatorSettings(Set.of(Fixtures.NAMESPACE), OperatorUnderTest.IMAGE, true,
        "pgml-proxy-operator-lease", "ops", Duration.ofMinutes(1), Duration.ofMinutes(10));
    try (OperatorUnderTest operator = OperatorUnderTest.start(client, settings, new ReconciliationMetrics(registry));
         HealthServer health = new HealthServer(new InetSocketAddress("127.0.0.1", 0),
             () -> operator.operator().getRuntimeInfo().allEventSourcesAreHealthy(),
             () -> operator.operator().getRuntimeInfo().isStarted(), registry)) {

      Lease lease = await().atMost(Duration.ofSeconds(30)).until(
          () -> client.leases().inNamespace("ops").withName("pgml-proxy-operator-lease").get(),
          l -> l != null && l.getSpec().getHolderIdentity() != null);
      assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

      client.resource(Fixtures.urlSecret(Fixtures.URL)).create();
      client.resource(Fixtures.proxy("watched")).create();
      var ignored = Fixtures.proxy("ignored");
      ignored.getMetadata().setNamespace("elsewhere");
      client.resource(ignored).create();
      await().atMost(Duration.ofSeconds(30)).until(
          () -> client.apps().deployments().inNamespace(Fixtures.NAMESPACE).withName("watched").get() != null);
      assertThat(client.apps().deployments().inNamespace("elsewhere").withName("ignored").get())
          .as("a namespace outside the list is not watched").isNull();

      assertThat(get(health.port(), "/healthz").statusCode()).isEqualTo(200);
      assertThat(get(health.port(), "/readyz").statusCode()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(10)).until(() -> get(health.port(), "/metrics").body()
          .contains("pgml_operator_reconciliations_total"));
      assertThat(get(health.port(), "/metrics").body()).contains("pgml_operator_reconciliation_seconds");
      assertThat(client.apps().deployments().inNamespace(Fixtures.NAMESPACE).list().getItems())
          .extracting(Deployment::getMetadata).extracting(m -> m.getName()).containsExactly("watched");
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
