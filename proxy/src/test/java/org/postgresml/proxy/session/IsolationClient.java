package org.postgresml.proxy.session;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.postgresml.proxy.session.PipelineBuilder.Phase;
import org.postgresml.proxy.session.PipelineBuilder.Pipeline;

/**
 * One raw-protocol client of the isolation test: sessions of random pipelines, each written in
 * its phases and every reply checked, in order, against what PostgreSQL answers. Now and then it
 * walks away with replies outstanding (a dirty server connection the proxy must not hand on) or
 * in the middle of a transaction. After a wrong reply the stream cannot be trusted: the client
 * records it and starts a new session.
 */
final class IsolationClient implements Callable<IsolationClient.Result> {

  /** What one client saw. */
  record Result(int client, long pipelines, long messagesSent, long repliesChecked, long mismatches,
                long crossClient, long hangs, long broken, long abandoned, long sessions, List<String> failures) {}

  /** Where and as whom to connect, and for how long a reply may take before the client counts as hung. */
  record Target(int port, String user, String password, String database, Duration readTimeout) {}

  private static final int MAX_FAILURES = 3;

  private final Target target;
  private final int client;
  private final long quota;
  private final PipelineGenerator generator;

  private long pipelines;
  private long messagesSent;
  private long repliesChecked;
  private long mismatches;
  private long crossClient;
  private long hangs;
  private long broken;
  private long abandoned;
  private long sessions;
  private final List<String> failures = new ArrayList<>();
  /** The session's pipelines so far, for a failure's message. */
  private final List<String> history = new ArrayList<>();

  IsolationClient(Target target, int client, long seed, long quota, PipelineGenerator.Functions functions) {
    this.target = target;
    this.client = client;
    this.quota = quota;
    this.generator = new PipelineGenerator(seed, client, functions);
  }

  @Override
  public Result call() {
    while (pipelines < quota && failures.size() < MAX_FAILURES) {
      oneSession();
    }
    return new Result(client, pipelines, messagesSent, repliesChecked, mismatches, crossClient, hangs, broken,
        abandoned, sessions, List.copyOf(failures));
  }

  private void oneSession() {
    Pipeline current = null;
    try (RawClient connection = RawClient.loggedIn(target.port(), target.user(), target.password(),
        target.database(), target.readTimeout())) {
      sessions++;
      generator.newSession();
      history.clear();
      int length = 1 + generator.random().nextInt(15);
      for (int i = 0; i < length && pipelines < quota; i++) {
        current = generator.next();
        if (generator.random().nextInt(15) == 0) {
          abandon(connection, current);
          return;
        }
        if (!run(connection, current)) {
          return;
        }
        pipelines++;
      }
      if (generator.random().nextInt(20) == 0) {
        connection.send(new FrontendBytes().terminate().bytes()); // leaves in whatever state it is in
        return;
      }
      current = generator.sentinel();
      if (run(connection, current)) {
        pipelines++;
        connection.send(new FrontendBytes().terminate().bytes());
      }
    } catch (SocketTimeoutException e) {
      hangs++;
      failures.add("client " + client + " waited " + target.readTimeout() + " for a reply in pipeline "
          + describe(current));
    } catch (IOException e) {
      broken++;
      failures.add("client " + client + " lost its connection (" + e.getMessage() + ") in pipeline "
          + describe(current));
    }
  }

  /** Sends a pipeline, reads part of its replies, and goes without a word. */
  private void abandon(RawClient connection, Pipeline pipeline) throws IOException {
    Phase first = pipeline.phases().get(0);
    connection.send(first.bytes());
    messagesSent += first.messages();
    // Half of them at once: the proxy learns of the leave before the replies come.
    int read = first.expected().isEmpty() || generator.random().nextBoolean() ? 0
        : generator.random().nextInt(first.expected().size());
    for (int i = 0; i < read; i++) {
      if (!check(first.expected().get(i), next(connection), pipeline)) {
        return;
      }
    }
    abandoned++;
  }

  private boolean run(RawClient connection, Pipeline pipeline) throws IOException {
    history.add(pipeline.number() + " " + pipeline.steps());
    for (Phase phase : pipeline.phases()) {
      connection.send(phase.bytes());
      messagesSent += phase.messages();
      for (String expected : phase.expected()) {
        if (!check(expected, next(connection), pipeline)) {
          return false;
        }
      }
    }
    return true;
  }

  private boolean check(String expected, RawClient.Message message, Pipeline pipeline) {
    String actual = BackendReplies.canonical(message);
    repliesChecked++;
    if (BackendReplies.matches(expected, actual)) {
      return true;
    }
    mismatches++;
    failures.add("client " + client + " expected " + expected + " but got " + actual + " in pipeline "
        + describe(pipeline) + (Boolean.getBoolean("isolation.history") ? " after " + history : ""));
    return false;
  }

  /** The next reply that is not asynchronous; any message with another client's tag is counted. */
  private RawClient.Message next(RawClient connection) throws IOException {
    while (true) {
      RawClient.Message message = connection.read();
      if (BackendReplies.carriesOtherClient(message, client)) {
        crossClient++;
      }
      if (BackendReplies.canonical(message) != null) {
        return message;
      }
    }
  }

  private static String describe(Pipeline pipeline) {
    return pipeline == null ? "(login)" : pipeline.number() + " " + pipeline.steps();
  }
}
