package org.postgresml.proxy.session;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random pipelines of every frontend message type of protocol 3.0 for one client, each with the
 * exact replies PostgreSQL sends back, in order. Every value the client asks for carries its tag
 * ({@link BackendReplies#tag}), so a reply meant for another client cannot match. The generator
 * follows the client's transaction status (I, T, E) and its named statements across pipelines; a
 * failed transaction is always rolled back next.
 *
 * <p>A pipeline is written in phases: everything up to a point where a real client must wait (a
 * Flush whose replies it reads before its Sync, a COPY FROM STDIN whose CopyInResponse it awaits)
 * goes out in one write, the rest after those replies arrived.
 */
final class PipelineGenerator {

  /** Bytes written in one go, and the replies (non-asynchronous, canonical) that must follow them. */
  record Phase(byte[] bytes, int messages, List<String> expected) {}

  /** One pipeline: its phases and the names of its steps (for a failure's message). */
  record Pipeline(long number, List<Phase> phases, List<String> steps) {
    int messages() {
      return phases.stream().mapToInt(Phase::messages).sum();
    }
  }

  /** Where to send FunctionCalls: int4pl(a, b) answers a + b, int4div(a, 0) fails. */
  record Functions(int int4pl, int int4div) {}

  private final Random random;
  private final int client;
  private final Functions functions;
  private char status = 'I';
  private final List<String> statements = new ArrayList<>();
  private int statementsDefined;
  private long pipeline;
  private int step;

  private FrontendBytes bytes;
  private List<String> expected;
  private List<Phase> phases;
  private List<String> steps;

  PipelineGenerator(long seed, int client, Functions functions) {
    this.random = new Random(seed);
    this.client = client;
    this.functions = functions;
  }

  /** A new session: no transaction, no prepared statements. */
  void newSession() {
    status = 'I';
    statements.clear();
  }

  char status() {
    return status;
  }

  Random random() {
    return random;
  }

  Pipeline next() {
    begin();
    int count = 1 + random.nextInt(5);
    for (int i = 0; i < count; i++) {
      if (status == 'E') {
        endTransaction(false);
      } else {
        randomStep();
      }
    }
    return finish();
  }

  /** The last pipeline of a session: whatever is left over would show up before its reply. */
  Pipeline sentinel() {
    begin();
    if (status == 'E') {
      endTransaction(false);
    }
    simpleQuery(1);
    return finish();
  }

  private void begin() {
    pipeline++;
    step = 0;
    bytes = new FrontendBytes();
    expected = new ArrayList<>();
    phases = new ArrayList<>();
    steps = new ArrayList<>();
  }

  private Pipeline finish() {
    boundary();
    return new Pipeline(pipeline, phases, steps);
  }

  /** Ends a phase: what was written so far goes out, and its replies are read before the rest. */
  private void boundary() {
    if (bytes.messages() > 0 || !expected.isEmpty()) {
      phases.add(new Phase(bytes.bytes(), bytes.messages(), List.copyOf(expected)));
    }
    bytes = new FrontendBytes();
    expected = new ArrayList<>();
  }

  private String tag() {
    return BackendReplies.tag(client, pipeline, ++step);
  }

  private void randomStep() {
    int pick = random.nextInt(100);
    if (pick < 14) {
      simpleQuery(1 + random.nextInt(3));
    } else if (pick < 19) {
      simpleQueryWithError();
    } else if (pick < 40) {
      extendedBatch();
    } else if (pick < 49) {
      functionCall(random.nextInt(4) == 0);
    } else if (pick < 57) {
      // FunctionCall and a Query in one write: the probe that found the bug. A slow Query keeps
      // its replies outstanding long enough for a connection handed on too early to show it.
      functionCall(false);
      if (random.nextInt(3) == 0) {
        slowQuery();
      } else {
        simpleQuery(1);
      }
    } else if (pick < 63) {
      copyOut();
    } else if (pick < 70) {
      copyInPipelined();
    } else if (pick < 73) {
      copyInWaiting();
    } else if (pick < 77) {
      extendedCopyIn();
    } else if (pick < 81) {
      flushThenSync();
    } else if (pick < 83) {
      strayCopyMessages();
    } else if (pick < 86) {
      emptyQuery();
    } else if (status == 'I') {
      steps.add("BEGIN");
      bytes.query("BEGIN");
      status = 'T';
      expected.add("C:BEGIN");
      expected.add("Z:T");
    } else {
      endTransaction(random.nextBoolean());
    }
  }

  private void endTransaction(boolean commit) {
    String command = commit && status == 'T' ? "COMMIT" : "ROLLBACK";
    steps.add(command);
    bytes.query(command);
    status = 'I';
    expected.add("C:" + command);
    expected.add("Z:I");
  }

  /** An error ends an explicit transaction's good part; outside one the server is idle again. */
  private void failed() {
    status = status == 'I' ? 'I' : 'E';
  }

  private void ready() {
    expected.add("Z:" + status);
  }

  private void simpleQuery(int statementCount) {
    steps.add("Query x" + statementCount);
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < statementCount; i++) {
      String tag = tag();
      if (i > 0) {
        sql.append("; ");
      }
      if (random.nextInt(4) == 0) {
        sql.append("SELECT '").append(tag).append("-' || g FROM generate_series(1, 3) g");
        expected.add("T");
        for (int row = 1; row <= 3; row++) {
          expected.add("D:" + tag + "-" + row);
        }
        expected.add("C:SELECT 3");
      } else {
        sql.append("SELECT '").append(tag).append('\'');
        expected.add("T");
        expected.add("D:" + tag);
        expected.add("C:SELECT 1");
      }
    }
    bytes.query(sql.toString());
    ready();
  }

  private void slowQuery() {
    steps.add("slow Query");
    String tag = tag();
    bytes.query("SELECT '" + tag + "' FROM pg_sleep(0.02)");
    expected.add("T");
    expected.add("D:" + tag);
    expected.add("C:SELECT 1");
    ready();
  }

  private void simpleQueryWithError() {
    steps.add("Query with error");
    String first = tag();
    String bad = tag();
    String never = tag();
    bytes.query("SELECT '" + first + "'; SELECT '" + bad + "'::int; SELECT '" + never + "'");
    expected.add("T");
    expected.add("D:" + first);
    expected.add("C:SELECT 1");
    expected.add("E:22P02:*\"" + bad + "\"");
    failed();
    ready();
  }

  private void emptyQuery() {
    steps.add("empty Query");
    bytes.query("");
    expected.add("I");
    ready();
  }

  private void functionCall(boolean failing) {
    int a = client * 100_000 + (int) (pipeline % 50_000);
    int b = ++step;
    if (failing) {
      steps.add("FunctionCall failing");
      bytes.functionCall(functions.int4div(), Integer.toString(a), "0");
      expected.add("E:22012:division by zero");
      failed();
    } else {
      steps.add("FunctionCall");
      bytes.functionCall(functions.int4pl(), Integer.toString(a), Integer.toString(b));
      expected.add("V:" + (a + b));
    }
    ready();
  }

  private void copyOut() {
    steps.add("COPY TO STDOUT");
    String tag = tag();
    int rows = 1 + random.nextInt(3);
    bytes.query("COPY (SELECT '" + tag + "-' || g FROM generate_series(1, " + rows + ") g) TO STDOUT");
    expected.add("H");
    for (int row = 1; row <= rows; row++) {
      expected.add("d:" + tag + "-" + row + "\n");
    }
    expected.add("c");
    expected.add("C:COPY " + rows);
    ready();
  }

  /** COPY FROM STDIN with its data in the same write, ended by CopyDone, CopyFail or bad data. */
  private void copyInPipelined() {
    String tag = tag();
    int ending = random.nextInt(3);
    if (ending == 2) {
      steps.add("COPY FROM STDIN bad data");
      bytes.query("COPY iso_numbers FROM STDIN").copyData(tag + "\n").copyData("5\n").copyDone();
      expected.add("G");
      expected.add("E:22P02:*\"" + tag + "\"");
      failed();
      ready();
      return;
    }
    steps.add(ending == 0 ? "COPY FROM STDIN" : "COPY FROM STDIN CopyFail");
    bytes.query("COPY iso_sink FROM STDIN");
    expected.add("G");
    copyRowsAndEnd(tag, ending == 0);
    ready();
  }

  /** COPY FROM STDIN as libpq and pgjdbc do it: the data only after the CopyInResponse came. */
  private void copyInWaiting() {
    steps.add("COPY FROM STDIN, waiting");
    String tag = tag();
    bytes.query("COPY iso_sink FROM STDIN");
    expected.add("G");
    boundary();
    copyRowsAndEnd(tag, random.nextBoolean());
    ready();
  }

  /** COPY FROM STDIN through Parse/Bind/Execute; an error makes the server skip to the Sync. */
  private void extendedCopyIn() {
    steps.add("extended COPY FROM STDIN");
    String tag = tag();
    bytes.parse("", "COPY iso_sink FROM STDIN").bind("", "").execute("", 0);
    expected.add("1");
    expected.add("2");
    expected.add("G");
    copyRowsAndEnd(tag, random.nextBoolean());
    bytes.sync();
    ready();
  }

  private void copyRowsAndEnd(String tag, boolean done) {
    int rows = 1 + random.nextInt(3);
    for (int row = 1; row <= rows; row++) {
      bytes.copyData(tag + "-" + row + "\n");
    }
    if (done) {
      bytes.copyDone();
      expected.add("C:COPY " + rows);
    } else {
      bytes.copyFail(tag);
      expected.add("E:57014:COPY from stdin failed: " + tag);
      failed();
    }
  }

  /** Extended messages, a Flush, the replies read, and only then the Sync. */
  private void flushThenSync() {
    steps.add("Flush, wait, Sync");
    String tag = tag();
    bytes.parse("", "SELECT $1::text").bind("", "", tag).describe('P', "").execute("", 0).flush();
    expected.add("1");
    expected.add("2");
    expected.add("T");
    expected.add("D:" + tag);
    expected.add("C:SELECT 1");
    boundary();
    bytes.sync();
    ready();
  }

  /** CopyData and CopyDone outside a COPY: the server ignores them, and so must the accounting. */
  private void strayCopyMessages() {
    steps.add("stray CopyData/CopyDone");
    bytes.copyData(tag() + "\n").copyDone();
  }

  /**
   * Parse/Bind/Describe/Execute/Close units up to a Sync, with a Query, FunctionCall or Flush in
   * between now and then. With an error, everything after it up to the Sync is skipped by the
   * server (a Query or FunctionCall too). Named statements are only defined before an error (one
   * skipped by the server is a case for the server, not the proxy, to tell the client about).
   */
  private void extendedBatch() {
    int units = 1 + random.nextInt(4);
    int errorAt = random.nextInt(3) == 0 ? random.nextInt(units) : -1;
    units_ = new StringBuilder();
    boolean skipping = false;
    for (int unit = 0; unit < units; unit++) {
      if (unit == errorAt) {
        failingUnit(tag());
        skipping = true;
        failed();
      } else {
        extendedUnit(tag(), skipping, errorAt < 0 || unit < errorAt);
      }
    }
    steps.add("extended [" + units_ + "]");
    bytes.sync();
    ready();
  }

  /** What the units of the batch being generated were (for a failure's message). */
  private StringBuilder units_ = new StringBuilder();

  private void unit(String description) {
    units_.append(units_.length() == 0 ? "" : ", ").append(description);
  }

  private void failingUnit(String tag) {
    unit("error");
    switch (random.nextInt(4)) {
      case 0 -> {
        bytes.parse("", "SELECT '" + tag + "'::int");
        expected.add("E:22P02:*\"" + tag + "\"");
      }
      case 1 -> {
        bytes.parse("", "SELECT $1::int").bind("", "", tag);
        expected.add("1");
        expected.add("E:22P02:*\"" + tag + "\"");
      }
      case 2 -> {
        bytes.parse("", "SELECT 1 / (g - $1::int) FROM generate_series(7, 7) g").bind("", "", "7").execute("", 0);
        expected.add("1");
        expected.add("2");
        expected.add("E:22012:division by zero");
      }
      default -> {
        bytes.describe('S', "missing_" + tag);
        expected.add("E:26000:*" + tag + "*");
      }
    }
  }

  /** One unit; when skipping, its messages are written but the server answers none of them. */
  private void extendedUnit(String tag, boolean skipping, boolean namedAllowed) {
    List<String> out = skipping ? new ArrayList<>() : expected;
    int pick = random.nextInt(namedAllowed ? 10 : 7);
    String named = statements.isEmpty() ? null : statements.get(random.nextInt(statements.size()));
    unit((skipping ? "skipped " : "") + pick + (named == null ? "" : "/" + named));
    switch (pick) {
      case 0, 1 -> {
        bytes.parse("", "SELECT $1::text").bind("", "", tag).describe('P', "").execute("", 0);
        out.addAll(List.of("1", "2", "T", "D:" + tag, "C:SELECT 1"));
      }
      case 2 -> {
        bytes.parse("", "SELECT $1::text || g FROM generate_series(1, 3) g").bind("", "", tag)
            .execute("", 2).execute("", 0);
        out.addAll(List.of("1", "2", "D:" + tag + "1", "D:" + tag + "2", "s", "D:" + tag + "3", "C:SELECT *"));
      }
      case 3 -> {
        bytes.query("SELECT '" + tag + "'");
        out.addAll(List.of("T", "D:" + tag, "C:SELECT 1", "Z:" + status));
      }
      case 4 -> {
        int a = client * 100_000 + (int) (pipeline % 50_000);
        bytes.functionCall(functions.int4pl(), Integer.toString(a), "1");
        out.addAll(List.of("V:" + (a + 1), "Z:" + status));
      }
      case 5 -> bytes.flush();
      case 6 -> {
        if (named == null) {
          bytes.parse("", "SELECT $1::text").bind("", "", tag).execute("", 0);
          out.addAll(List.of("1", "2", "D:" + tag, "C:SELECT 1"));
          return;
        }
        bytes.bind("", named, tag).execute("", 0);
        out.addAll(List.of("2", "D:" + tag + "/" + named, "C:SELECT 1"));
      }
      case 7, 8 -> {
        if (statements.size() >= 4 && named != null) {
          bytes.close('S', named);
          statements.remove(named);
          out.add("3");
          return;
        }
        String name = "s" + (++statementsDefined);
        bytes.parse(name, "SELECT $1::text || '/" + name + "'").bind("", name, tag).execute("", 0);
        statements.add(name);
        out.addAll(List.of("1", "2", "D:" + tag + "/" + name, "C:SELECT 1"));
      }
      default -> {
        if (named == null) {
          bytes.flush();
          return;
        }
        bytes.describe('S', named);
        out.addAll(List.of("t", "T"));
      }
    }
  }
}
