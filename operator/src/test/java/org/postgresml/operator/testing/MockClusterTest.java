package org.postgresml.operator.testing;

import static org.awaitility.Awaitility.await;
import static org.postgresml.operator.testing.Fixtures.NAMESPACE;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;

/**
 * One mock API server (CRUD mode) and one running operator per test class; tests use distinct
 * PgmlProxy names so they do not see each other's objects.
 */
@EnableKubernetesMockClient(crud = true)
public abstract class MockClusterTest extends OperatorClusterTest {

  protected static final Duration WAIT = Duration.ofSeconds(20);

  protected static KubernetesMockServer server;
  protected static KubernetesClient client;
  protected static OperatorUnderTest operator;

  protected MockClusterTest() {
    super(() -> client, WAIT);
  }

  @BeforeAll
  static void startOperator() {
    createNamespace(client);
    operator = OperatorUnderTest.start(client);
  }

  @AfterAll
  static void stopOperator() {
    operator.close();
  }

  /** Changes the spec as a user would. */
  protected static void editSpec(String name, java.util.function.Consumer<org.postgresml.operator.api.spec.PgmlProxySpec> change) {
    // The operator's status writes race with the test's edit; a conflict (409) is retried on fresh data.
    await().atMost(WAIT).ignoreException(KubernetesClientException.class).until(() -> {
      client.resources(PgmlProxy.class).inNamespace(NAMESPACE).withName(name).edit(p -> {
        change.accept(p.getSpec());
        return p;
      });
      return true;
    });
  }

  protected PgmlProxy awaitCondition(String name, String type, String status, String reason) {
    return awaitStatus(name, p -> condition(p, type)
        .filter(c -> status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason())))
        .isPresent());
  }

  protected static Optional<Condition> condition(PgmlProxy proxy, String type) {
    return proxy.getStatus().conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
  }

  protected String configHash(String name) {
    return get(Deployment.class, name).orElseThrow().getSpec().getTemplate().getMetadata().getAnnotations()
        .get(FleetNames.CONFIG_HASH_ANNOTATION);
  }
}
