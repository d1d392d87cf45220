package org.postgresml.operator.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postgresml.operator.validation.SpecProblem;

/**
 * Turns a failed write of a dependent into the problem a user reads: which object, the HTTP
 * status, and the API server's own message (it names the field it refused). The message of a
 * refused Secret write is left out: it could quote the data.
 */
final class WriteFailure {

  static final String REASON_APPLY_FAILED = "ApplyFailed";
  /** A Status message is a few lines; a long one is cut, so a condition stays readable. */
  private static final int MAX_MESSAGE = 1000;

  private WriteFailure() {
  }

  /** The refused writes among what a reconciliation threw; empty when it was not an API write. */
  static Optional<SpecProblem> of(Exception thrown) {
    List<KubernetesClientException> refused = new ArrayList<>();
    collect(thrown, refused);
    if (refused.isEmpty()) {
      return Optional.empty();
    }
    List<String> parts = refused.stream().map(WriteFailure::describe).distinct().toList();
    String message = String.join("; ", parts);
    if (message.length() > MAX_MESSAGE) {
      message = message.substring(0, MAX_MESSAGE) + "…";
    }
    return Optional.of(new SpecProblem(REASON_APPLY_FAILED, message
        + ". The fleet's objects are left as they were; the operator retries with backoff."));
  }

  private static void collect(Throwable thrown, List<KubernetesClientException> into) {
    if (thrown == null) {
      return;
    }
    if (thrown instanceof AggregatedOperatorException aggregated) {
      aggregated.getAggregatedExceptions().values().forEach(e -> collect(e, into));
      return;
    }
    if (thrown instanceof KubernetesClientException client && client.getCode() > 0) {
      into.add(client);
      return;
    }
    collect(thrown.getCause(), into);
  }

  private static String describe(KubernetesClientException e) {
    String object = (e.getResourcePlural() != null ? e.getResourcePlural() : "an object")
        + (e.getName() != null ? " " + (e.getNamespace() != null ? e.getNamespace() + "/" : "") + e.getName() : "");
    String serverMessage = e.getStatus() != null ? e.getStatus().getMessage() : null;
    boolean secret = "secrets".equals(e.getResourcePlural());
    return "Writing " + object + " failed with HTTP " + e.getCode()
        + (serverMessage != null && !secret ? ": " + serverMessage : "");
  }
}
