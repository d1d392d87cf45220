package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.MockClusterTest;

/**
 * The operator caches only the Secrets it owns (selected by its managed-by label) and reads the
 * ones a PgmlProxy names by name: it never lists or watches every Secret of the cluster, so a
 * Helm release's or a ServiceAccount's Secret never reaches its memory.
 */
class ReferencedSecretsIT extends MockClusterTest {

  @Test
  void secretsAreListedOnlyByTheOperatorsLabelAndReadOnlyByName() throws InterruptedException {
    client.resource(new SecretBuilder().withNewMetadata().withName("sh.helm.release.v1.other.v1")
        .withNamespace(Fixtures.NAMESPACE).endMetadata().addToData("release", "c2VjcmV0").build()).create();
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    client.resource(Fixtures.proxy("scoped")).create();
    awaitExists(Deployment.class, "scoped");
    awaitCondition("scoped", ConditionTypes.DEGRADED, "False", ConditionTypes.REASON_AS_EXPECTED);

    List<String> secretReads = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      String path = URLDecoder.decode(request.getPath(), StandardCharsets.UTF_8);
      // The test itself reads no Secret: every read recorded is the operator's.
      if ("GET".equals(request.getMethod()) && path.matches(".*/secrets([/?].*)?$")) {
        secretReads.add(path);
      }
    }
    assertThat(secretReads).isNotEmpty();
    assertThat(secretReads).as("the operator's reads of Secrets").allSatisfy(path -> assertThat(
        path.matches(".*/namespaces/apps/secrets/(pgml-cloud|scoped-[a-z-]+)(\\?.*)?$")
            || path.contains("labelSelector=app.kubernetes.io/managed-by=pgml-proxy-operator"))
        .as(path).isTrue());
  }
}
