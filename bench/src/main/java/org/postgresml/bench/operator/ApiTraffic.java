package org.postgresml.bench.operator;

import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Counts the operator's API requests where the operator's NoOpResyncIT counts them: at the mock
 * server, which records every request it answers (watches included) until someone takes it.
 * Taking them also keeps that record from growing for the whole run. The benchmark's own requests
 * (its User-Agent, see {@link MockApiServer#BENCH_AGENT}) are counted apart.
 */
public final class ApiTraffic {

  private final KubernetesMockServer server;
  private int benchRequests;

  public ApiTraffic(KubernetesMockServer server) {
    this.server = server;
  }

  /** Adds every request recorded so far to {@code into}; returns at once when there is none. */
  public void drain(Tally into) {
    RecordedRequest request;
    while ((request = take(Duration.ZERO)) != null) {
      count(request, into);
    }
  }

  /**
   * Adds requests to {@code into} until none arrives for {@code quiet}, or {@code limit} passed:
   * the operator has finished what it was doing (a reconciliation's own writes trigger events).
   *
   * @return whether it went quiet within the limit
   */
  public boolean drainUntilQuiet(Tally into, Duration quiet, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      RecordedRequest request = take(quiet);
      if (request == null) {
        return true;
      }
      count(request, into);
    }
    return false;
  }

  private RecordedRequest take(Duration wait) {
    try {
      return server.takeRequest(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while counting API requests", e);
    }
  }

  private void count(RecordedRequest request, Tally into) {
    if (MockApiServer.BENCH_AGENT.equals(request.getHeader("User-Agent"))) {
      benchRequests++;
    } else {
      into.add(ApiCall.of(request.getMethod(), request.getPath()));
    }
  }

  /** The benchmark's own requests so far (creates, polls, the played Deployment controller). */
  public int benchRequests() {
    return benchRequests;
  }
}
