package org.postgresml.proxy.session;

import java.util.ArrayList;
import java.util.List;

/**
 * One pipeline being written for {@link PipelineGenerator}: the frontend bytes of each phase, the
 * replies that must follow them, the names of its steps, and the client's transaction status as
 * the replies will leave it.
 */
final class PipelineBuilder {

  /** Bytes written in one go, and the replies (non-asynchronous, canonical) that must follow them. */
  record Phase(byte[] bytes, int messages, List<String> expected) {}

  /** One pipeline: its phases and the names of its steps (for a failure's message). */
  record Pipeline(long number, List<Phase> phases, List<String> steps) {}

  private final int client;
  private char status = 'I';
  private long pipeline;
  private int step;
  private FrontendBytes bytes;
  private List<String> expected;
  private List<Phase> phases;
  private List<String> steps;

  PipelineBuilder(int client) {
    this.client = client;
  }

  void begin() {
    pipeline++;
    step = 0;
    bytes = new FrontendBytes();
    expected = new ArrayList<>();
    phases = new ArrayList<>();
    steps = new ArrayList<>();
  }

  Pipeline finish() {
    boundary();
    return new Pipeline(pipeline, phases, steps);
  }

  /** Ends a phase: what was written so far goes out, and its replies are read before the rest. */
  void boundary() {
    if (bytes.messages() > 0 || !expected.isEmpty()) {
      phases.add(new Phase(bytes.bytes(), bytes.messages(), List.copyOf(expected)));
    }
    bytes = new FrontendBytes();
    expected = new ArrayList<>();
  }

  /** The messages of the phase being written. */
  FrontendBytes out() {
    return bytes;
  }

  void expect(String reply) {
    expected.add(reply);
  }

  /** The replies of the phase being written (to add several). */
  List<String> expected() {
    return expected;
  }

  void step(String name) {
    steps.add(name);
  }

  /** A value no other client and no other step of this client asks for. */
  String tag() {
    return BackendReplies.tag(client, pipeline, nextStep());
  }

  int nextStep() {
    return ++step;
  }

  long pipeline() {
    return pipeline;
  }

  char status() {
    return status;
  }

  void status(char newStatus) {
    status = newStatus;
  }

  /** A ReadyForQuery with the status the pipeline has reached. */
  void ready() {
    expected.add("Z:" + status);
  }

  /** An error ends an explicit transaction's good part; outside one the server is idle again. */
  void failed() {
    status = status == 'I' ? 'I' : 'E';
  }
}
