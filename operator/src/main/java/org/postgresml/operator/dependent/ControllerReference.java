package org.postgresml.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.postgresml.operator.api.PgmlProxy;

/**
 * The owner reference of every object a PgmlProxy owns. {@code controller: true} makes it the
 * managing controller ("Controlled By" in kubectl describe), and the API server allows only one
 * such reference per object, so two PgmlProxies cannot both claim one object (a PgmlProxy
 * {@code a-peers} and the peers Service of {@code a}). JOSDK's own reference lacks it.
 */
public final class ControllerReference {

  private ControllerReference() {
  }

  public static OwnerReference of(PgmlProxy proxy) {
    return new OwnerReferenceBuilder()
        .withApiVersion(proxy.getApiVersion())
        .withKind(proxy.getKind())
        .withName(proxy.getMetadata().getName())
        .withUid(proxy.getMetadata().getUid())
        .withController(true)
        .build();
  }

  /** Replaces any reference to the same owner on {@code owned} with the controller reference. */
  public static void set(HasMetadata owned, PgmlProxy proxy) {
    OwnerReference reference = of(proxy);
    List<OwnerReference> references = new ArrayList<>();
    if (owned.getMetadata().getOwnerReferences() != null) {
      owned.getMetadata().getOwnerReferences().stream()
          .filter(existing -> !Objects.equals(existing.getUid(), reference.getUid()))
          .forEach(references::add);
    }
    references.add(reference);
    owned.getMetadata().setOwnerReferences(references);
  }
}
