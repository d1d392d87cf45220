package org.postgresml.operator.testing;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.apiserver.ApiServerDispatcher;

/**
 * The operator as production runs it (server-side apply on) against a mock API server that serves
 * apply patches as a real one stores them ({@link ApiServerDispatcher}), and that a test can make
 * refuse chosen writes. One server and one operator per test class, on loopback.
 */
public abstract class ApiServerClusterTest extends OperatorClusterTest {

  protected static final Duration WAIT = Duration.ofSeconds(30);

  protected static ApiServerDispatcher api;
  protected static KubernetesMockServer server;
  protected static KubernetesClient client;
  protected static OperatorUnderTest operator;

  protected ApiServerClusterTest() {
    super(() -> client, WAIT);
  }

  @BeforeAll
  static void startServerAndOperator() {
    api = new ApiServerDispatcher(true);
    server = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
        api, false);
    server.init(InetAddress.getLoopbackAddress(), 0);
    client = server.createClient();
    createNamespace(client);
    operator = OperatorUnderTest.startWithServerSideApply(client);
  }

  @AfterAll
  static void stopServerAndOperator() {
    operator.close();
    client.close();
    server.destroy();
  }

  protected PgmlProxy awaitCondition(String name, String type, String status, String reason) {
    return awaitStatus(name, p -> p.getStatus().conditions.stream().anyMatch(c -> type.equals(c.getType())
        && status.equals(c.getStatus()) && (reason == null || reason.equals(c.getReason()))));
  }

  /** Waits until the PgmlProxy {@code name} has been reconciled {@code count} more times. */
  protected static void awaitReconciliations(String name, int count) {
    int start = operator.reconciliations(name);
    await().atMost(WAIT.multipliedBy(2)).until(() -> operator.reconciliations(name) >= start + count);
  }
}
