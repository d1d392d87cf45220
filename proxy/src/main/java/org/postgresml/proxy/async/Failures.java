package org.postgresml.proxy.async;

import java.util.concurrent.CompletionException;

/** What went wrong, as the code that failed threw it. */
public final class Failures {

  private Failures() {}

  /**
   * The failure a CompletableFuture stage saw: a dependent stage wraps its source's failure in a
   * {@link CompletionException}, which says nothing of its own.
   */
  public static Throwable cause(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }
}
