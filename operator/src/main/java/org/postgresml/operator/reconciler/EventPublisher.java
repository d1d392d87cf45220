package org.postgresml.operator.reconciler;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Writes Kubernetes Events about a PgmlProxy (kubectl describe shows them). */
public final class EventPublisher {

  private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);

  private final KubernetesClient client;
  private final Clock clock;

  public EventPublisher(KubernetesClient client, Clock clock) {
    this.client = client;
    this.clock = clock;
  }

  public void warning(PgmlProxy proxy, String reason, String message) {
    String now = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
    var event = new EventBuilder()
        .withNewMetadata()
          .withName(proxy.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 8))
          .withNamespace(proxy.getMetadata().getNamespace())
        .endMetadata()
        .withInvolvedObject(new ObjectReferenceBuilder()
            .withApiVersion(proxy.getApiVersion())
            .withKind(proxy.getKind())
            .withName(proxy.getMetadata().getName())
            .withNamespace(proxy.getMetadata().getNamespace())
            .withUid(proxy.getMetadata().getUid())
            .withResourceVersion(proxy.getMetadata().getResourceVersion())
            .build())
        .withType("Warning")
        .withReason(reason)
        .withMessage(message)
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .withNewSource().withComponent(FleetNames.MANAGED_BY).endSource()
        .build();
    try {
      client.v1().events().inNamespace(proxy.getMetadata().getNamespace()).resource(event).create();
    } catch (KubernetesClientException e) {
      // An event is a courtesy; the condition already carries the same message.
      LOG.warn("cannot write event {} for {}/{} (HTTP {})", reason, proxy.getMetadata().getNamespace(),
          proxy.getMetadata().getName(), e.getCode());
    }
  }
}
