package org.postgresml.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.MockClusterTest;

/** Resyncs of a fleet that is as specified write nothing to the API server. */
class NoOpResyncIT extends MockClusterTest {

  @Test
  void resyncOfAnUnchangedFleetWritesNothing() throws InterruptedException {
    client.resource(Fixtures.urlSecret(Fixtures.URL)).createOr(r -> r.update());
    client.resource(Fixtures.proxy("quiet")).create();
    awaitExists(io.fabric8.kubernetes.api.model.apps.Deployment.class, "quiet");
    markDeploymentReady("quiet");
    awaitCondition("quiet", ConditionTypes.READY, "True", ConditionTypes.REASON_FLEET_READY);
    // Let the last writes' own watch events settle, then start counting.
    int settledAt = operator.reconciliations();
    await().atMost(WAIT).until(() -> operator.reconciliations() >= settledAt + 2);
    drainRequests();

    int before = operator.reconciliations();
    await().atMost(WAIT).until(() -> operator.reconciliations() >= before + 3);

    List<String> writes = new ArrayList<>();
    for (RecordedRequest request : drainRequests()) {
      if (!"GET".equals(request.getMethod())) {
        writes.add(request.getMethod() + " " + request.getPath());
      }
    }
    assertThat(writes).as("API writes during %d resyncs", operator.reconciliations() - before).isEmpty();
  }

  private static List<RecordedRequest> drainRequests() throws InterruptedException {
    List<RecordedRequest> requests = new ArrayList<>();
    RecordedRequest request;
    while ((request = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
      requests.add(request);
    }
    return requests;
  }
}
