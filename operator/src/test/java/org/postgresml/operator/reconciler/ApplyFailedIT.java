package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Event;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.testing.ApiServerClusterTest;
import org.postgresml.operator.testing.Fixtures;

/**
 * The API server refuses a dependent's write (422, as it refuses what its validation or an
 * admission webhook rejects): the PgmlProxy ends Degraded with reason ApplyFailed and the server's
 * own message, an Event says the same, the write is retried with backoff (not in a tight loop),
 * and once the server accepts it the fleet heals.
 */
class ApplyFailedIT extends ApiServerClusterTest {

  private static final String SERVER_MESSAGE = "Deployment.apps \"refused\" is invalid: spec.template.spec.containers[0]"
      + ".resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1";

  @Test
  void aRefusedWriteEndsDegradedWithTheServersMessageAndHeals() {
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    api.reject(write -> write.path().contains("/deployments/refused") && !write.isStatus(), 422, "Invalid",
        SERVER_MESSAGE);
    client.resource(Fixtures.proxy("refused")).create();

    PgmlProxy degraded = awaitCondition("refused", ConditionTypes.DEGRADED, "True", "ApplyFailed");
    String message = degraded.getStatus().conditions.stream()
        .filter(c -> ConditionTypes.DEGRADED.equals(c.getType())).findFirst().orElseThrow().getMessage();
    assertThat(message).contains("deployments apps/refused", "HTTP 422", SERVER_MESSAGE);
    await().atMost(WAIT).until(() -> warningEvents("refused").stream()
        .anyMatch(e -> "ApplyFailed".equals(e.getReason()) && e.getMessage().contains(SERVER_MESSAGE)));

    // Retried with backoff and at resyncs (1 s in these tests), not in a tight loop.
    api.drainWrites();
    AtomicInteger attempts = new AtomicInteger();
    await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).until(() -> {
      attempts.addAndGet((int) api.drainWrites().stream()
          .filter(write -> write.path().contains("/deployments/refused")).count());
      return attempts.get() <= 12;
    });

    api.stopRejecting();
    awaitCondition("refused", ConditionTypes.DEGRADED, "False", ConditionTypes.REASON_AS_EXPECTED);
  }

  private static List<Event> warningEvents(String proxy) {
    return client.v1().events().inNamespace(Fixtures.NAMESPACE).list().getItems().stream()
        .filter(e -> proxy.equals(e.getInvolvedObject().getName()) && "Warning".equals(e.getType()))
        .toList();
  }
}
