package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.MockClusterTest;
import org.postgresml.operator.validation.SpecProblem;

/** What the spec cannot express goes wrong: a Degraded condition and an Event, no crash loop, and healing. */
class DegradedIT extends MockClusterTest {

  @Test
  void missingSecretDegradesThenCreatingItHeals() {
    client.resource(proxyWithUrlSecret("no-secret", "absent-url")).create();

    PgmlProxy degraded = awaitCondition("no-secret", ConditionTypes.DEGRADED, "True", SpecProblem.SECRET_NOT_FOUND);
    assertThat(condition(degraded, ConditionTypes.DEGRADED).orElseThrow().getMessage())
        .contains("apps/absent-url", "spec.upstream.urlSecretRef");
    assertThat(condition(degraded, ConditionTypes.READY).orElseThrow().getStatus()).isEqualTo("False");
    assertThat(get(Deployment.class, "no-secret")).isEmpty();
    assertThat(warningEvents("no-secret")).extracting(Event::getReason).contains(SpecProblem.SECRET_NOT_FOUND);

    client.resource(urlSecret("absent-url", Fixtures.URL)).create();

    awaitExists(Deployment.class, "no-secret");
    awaitCondition("no-secret", ConditionTypes.DEGRADED, "False", ConditionTypes.REASON_AS_EXPECTED);
  }

  @Test
  void secretWithoutTheKeyNamesSecretAndKey() {
    Secret secret = urlSecret("wrong-key", Fixtures.URL);
    secret.setData(java.util.Map.of("URL", secret.getData().get(Fixtures.URL_KEY)));
    client.resource(secret).create();
    client.resource(proxyWithUrlSecret("no-key", "wrong-key")).create();

    PgmlProxy degraded = awaitCondition("no-key", ConditionTypes.DEGRADED, "True", SpecProblem.SECRET_KEY_MISSING);
    assertThat(condition(degraded, ConditionTypes.DEGRADED).orElseThrow().getMessage())
        .contains("apps/wrong-key", "no key DATABASE_URL");
  }

  @Test
  void unparsableUrlDegradesWithoutRevealingIt() {
    String badUrl = "mysql://root:leaked-password@db.example.test/app";
    client.resource(urlSecret("bad-url", badUrl)).create();
    client.resource(proxyWithUrlSecret("bad", "bad-url")).create();

    PgmlProxy degraded = awaitCondition("bad", ConditionTypes.DEGRADED, "True", SpecProblem.INVALID_UPSTREAM_URL);
    String message = condition(degraded, ConditionTypes.DEGRADED).orElseThrow().getMessage();
    assertThat(message).contains("postgres://").doesNotContain("leaked-password");
    assertThat(warningEvents("bad")).extracting(Event::getMessage).allSatisfy(m -> assertThat(m).doesNotContain("leaked-password"));
    assertThat(degraded.getStatus().toString()).doesNotContain("leaked-password");
  }

  @Test
  void aSpecThatCelWouldRejectIsCaughtAgain() {
    client.resource(urlSecret("cel-url", Fixtures.URL)).create();
    PgmlProxy proxy = proxyWithUrlSecret("cel", "cel-url");
    proxy.getSpec().pool.minSize = 30;
    proxy.getSpec().pool.size = 10;
    client.resource(proxy).create();

    PgmlProxy degraded = awaitCondition("cel", ConditionTypes.DEGRADED, "True", SpecProblem.INVALID_SPEC);
    assertThat(condition(degraded, ConditionTypes.DEGRADED).orElseThrow().getMessage()).contains("spec.pool.minSize");
  }

  /** What the API server would refuse in the Service (CEL refuses it first where it runs) ends Degraded, not in 422s. */
  @Test
  void theMetricsPortAsServicePortIsNamed() {
    client.resource(urlSecret("port-url", Fixtures.URL)).create();
    PgmlProxy proxy = proxyWithUrlSecret("port", "port-url");
    proxy.getSpec().service.port = 9930;
    client.resource(proxy).create();

    PgmlProxy degraded = awaitCondition("port", ConditionTypes.DEGRADED, "True", SpecProblem.INVALID_SPEC);
    assertThat(condition(degraded, ConditionTypes.DEGRADED).orElseThrow().getMessage()).contains("spec.service.port");
    assertThat(get(Deployment.class, "port")).isEmpty();
  }

  private static PgmlProxy proxyWithUrlSecret(String name, String secret) {
    PgmlProxy proxy = Fixtures.proxy(name);
    proxy.getSpec().upstream.urlSecretRef.name = secret;
    return proxy;
  }

  private static Secret urlSecret(String name, String url) {
    Secret secret = Fixtures.urlSecret(url);
    secret.getMetadata().setName(name);
    return secret;
  }

  private static List<Event> warningEvents(String proxy) {
    return client.v1().events().inNamespace(Fixtures.NAMESPACE).list().getItems().stream()
        .filter(e -> proxy.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
        .toList();
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
