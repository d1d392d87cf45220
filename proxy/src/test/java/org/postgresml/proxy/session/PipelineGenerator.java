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

  /** Where to send FunctionCalls: int4pl(a, b) answers a + b, int4div(a, 0) fails. */
  record Functions(int int4pl, int int4div) {}

  private final Random random;
  private final int client;
  private final Functions functions;
  private final List<String> statements = new ArrayList<>();
  private int statementsDefined;
  /** The pipeline being written, and the client's transaction status. */
  private final PipelineBuilder b;
  /** What the units of the batch being generated were (for a failure's message). */
  private StringBuilder batchUnits = new StringBuilder();

  PipelineGenerator(long seed, int client, Functions functions) {
    this.random = new Random(seed);
    this.client = client;
    this.functions = functions;
    this.b = new PipelineBuilder(client);
  }

  /** A new session: no transaction, no prepared statements. */
  void newSession() {
    b.status('I');
    statements.clear();
  }

  Random random() {
    return random;
  }

  PipelineBuilder.Pipeline next() {
    b.begin();
    int count = 1 + random.nextInt(5);
    for (int i = 0; i < count; i++) {
      if (b.status() == 'E') {
        endTransaction(false);
      } else {
        randomStep();
      }
    }
    return b.finish();
  }

  /** The last pipeline of a session: whatever is left over would show up before its reply. */
  PipelineBuilder.Pipeline sentinel() {
    b.begin();
    if (b.status() == 'E') {
      endTransaction(false);
    }
    simpleQuery(1);
    return b.finish();
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
    } else if (b.status() == 'I') {
      b.step("BEGIN");
      b.out().query("BEGIN");
      b.status('T');
      b.expect("C:BEGIN");
      b.expect("Z:T");
    } else {
      endTransaction(random.nextBoolean());
    }
  }

  private void endTransaction(boolean commit) {
    String command = commit && b.status() == 'T' ? "COMMIT" : "ROLLBACK";
    b.step(command);
    b.out().query(command);
    b.status('I');
    b.expect("C:" + command);
    b.expect("Z:I");
  }

  private void simpleQuery(int statementCount) {
    b.step("Query x" + statementCount);
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < statementCount; i++) {
      String tag = b.tag();
      if (i > 0) {
        sql.append("; ");
      }
      if (random.nextInt(4) == 0) {
        sql.append("SELECT '").append(tag).append("-' || g FROM generate_series(1, 3) g");
        b.expect("T");
        for (int row = 1; row <= 3; row++) {
          b.expect("D:" + tag + "-" + row);
        }
        b.expect("C:SELECT 3");
      } else {
        sql.append("SELECT '").append(tag).append('\'');
        b.expect("T");
        b.expect("D:" + tag);
        b.expect("C:SELECT 1");
      }
    }
    b.out().query(sql.toString());
    b.ready();
  }

  private void slowQuery() {
    b.step("slow Query");
    String tag = b.tag();
    b.out().query("SELECT '" + tag + "' FROM pg_sleep(0.02)");
    b.expect("T");
    b.expect("D:" + tag);
    b.expect("C:SELECT 1");
    b.ready();
  }

  private void simpleQueryWithError() {
    b.step("Query with error");
    String first = b.tag();
    String bad = b.tag();
    String never = b.tag();
    b.out().query("SELECT '" + first + "'; SELECT '" + bad + "'::int; SELECT '" + never + "'");
    b.expect("T");
    b.expect("D:" + first);
    b.expect("C:SELECT 1");
    b.expect("E:22P02:*\"" + bad + "\"");
    b.failed();
    b.ready();
  }

  private void emptyQuery() {
    b.step("empty Query");
    b.out().query("");
    b.expect("I");
    b.ready();
  }

  private void functionCall(boolean failing) {
    int a = client * 100_000 + (int) (b.pipeline() % 50_000);
    int second = b.nextStep();
    if (failing) {
      b.step("FunctionCall failing");
      b.out().functionCall(functions.int4div(), Integer.toString(a), "0");
      b.expect("E:22012:division by zero");
      b.failed();
    } else {
      b.step("FunctionCall");
      b.out().functionCall(functions.int4pl(), Integer.toString(a), Integer.toString(second));
      b.expect("V:" + (a + second));
    }
    b.ready();
  }

  private void copyOut() {
    b.step("COPY TO STDOUT");
    String tag = b.tag();
    int rows = 1 + random.nextInt(3);
    b.out().query("COPY (SELECT '" + tag + "-' || g FROM generate_series(1, " + rows + ") g) TO STDOUT");
    b.expect("H");
    for (int row = 1; row <= rows; row++) {
      b.expect("d:" + tag + "-" + row + "\n");
    }
    b.expect("c");
    b.expect("C:COPY " + rows);
    b.ready();
  }

  /** COPY FROM STDIN with its data in the same write, ended by CopyDone, CopyFail or bad data. */
  private void copyInPipelined() {
    String tag = b.tag();
    int ending = random.nextInt(3);
    if (ending == 2) {
      b.step("COPY FROM STDIN bad data");
      b.out().query("COPY iso_numbers FROM STDIN").copyData(tag + "\n").copyData("5\n").copyDone();
      b.expect("G");
      b.expect("E:22P02:*\"" + tag + "\"");
      b.failed();
      b.ready();
      return;
    }
    b.step(ending == 0 ? "COPY FROM STDIN" : "COPY FROM STDIN CopyFail");
    b.out().query("COPY iso_sink FROM STDIN");
    b.expect("G");
    copyRowsAndEnd(tag, ending == 0);
    b.ready();
  }

  /** COPY FROM STDIN as libpq and pgjdbc do it: the data only after the CopyInResponse came. */
  private void copyInWaiting() {
    b.step("COPY FROM STDIN, waiting");
    String tag = b.tag();
    b.out().query("COPY iso_sink FROM STDIN");
    b.expect("G");
    b.boundary();
    copyRowsAndEnd(tag, random.nextBoolean());
    b.ready();
  }

  /** COPY FROM STDIN through Parse/Bind/Execute; an error makes the server skip to the Sync. */
  private void extendedCopyIn() {
    b.step("extended COPY FROM STDIN");
    String tag = b.tag();
    b.out().parse("", "COPY iso_sink FROM STDIN").bind("", "").execute("", 0);
    b.expect("1");
    b.expect("2");
    b.expect("G");
    copyRowsAndEnd(tag, random.nextBoolean());
    b.out().sync();
    b.ready();
  }

  private void copyRowsAndEnd(String tag, boolean done) {
    int rows = 1 + random.nextInt(3);
    for (int row = 1; row <= rows; row++) {
      b.out().copyData(tag + "-" + row + "\n");
    }
    if (done) {
      b.out().copyDone();
      b.expect("C:COPY " + rows);
    } else {
      b.out().copyFail(tag);
      b.expect("E:57014:COPY from stdin failed: " + tag);
      b.failed();
    }
  }

  /** Extended messages, a Flush, the replies read, and only then the Sync. */
  private void flushThenSync() {
    b.step("Flush, wait, Sync");
    String tag = b.tag();
    b.out().parse("", "SELECT $1::text").bind("", "", tag).describe('P', "").execute("", 0).flush();
    b.expect("1");
    b.expect("2");
    b.expect("T");
    b.expect("D:" + tag);
    b.expect("C:SELECT 1");
    b.boundary();
    b.out().sync();
    b.ready();
  }

  /** CopyData and CopyDone outside a COPY: the server ignores them, and so must the accounting. */
  private void strayCopyMessages() {
    b.step("stray CopyData/CopyDone");
    b.out().copyData(b.tag() + "\n").copyDone();
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
    batchUnits = new StringBuilder();
    boolean skipping = false;
    for (int unit = 0; unit < units; unit++) {
      if (unit == errorAt) {
        failingUnit(b.tag());
        skipping = true;
        b.failed();
      } else {
        extendedUnit(b.tag(), skipping, errorAt < 0 || unit < errorAt);
      }
    }
    b.step("extended [" + batchUnits + "]");
    b.out().sync();
    b.ready();
  }

  private void unit(String description) {
    batchUnits.append(batchUnits.length() == 0 ? "" : ", ").append(description);
  }

  private void failingUnit(String tag) {
    unit("error");
    switch (random.nextInt(4)) {
      case 0 -> {
        b.out().parse("", "SELECT '" + tag + "'::int");
        b.expect("E:22P02:*\"" + tag + "\"");
      }
      case 1 -> {
        b.out().parse("", "SELECT $1::int").bind("", "", tag);
        b.expect("1");
        b.expect("E:22P02:*\"" + tag + "\"");
      }
      case 2 -> {
        b.out().parse("", "SELECT 1 / (g - $1::int) FROM generate_series(7, 7) g").bind("", "", "7").execute("", 0);
        b.expect("1");
        b.expect("2");
        b.expect("E:22012:division by zero");
      }
      default -> {
        b.out().describe('S', "missing_" + tag);
        b.expect("E:26000:*" + tag + "*");
      }
    }
  }

  /** One unit; when skipping, its messages are written but the server answers none of them. */
  private void extendedUnit(String tag, boolean skipping, boolean namedAllowed) {
    List<String> out = skipping ? new ArrayList<>() : b.expected();
    int pick = random.nextInt(namedAllowed ? 10 : 7);
    String named = statements.isEmpty() ? null : statements.get(random.nextInt(statements.size()));
    unit((skipping ? "skipped " : "") + pick + (named == null ? "" : "/" + named));
    switch (pick) {
      case 0, 1 -> {
        b.out().parse("", "SELECT $1::text").bind("", "", tag).describe('P', "").execute("", 0);
        out.addAll(List.of("1", "2", "T", "D:" + tag, "C:SELECT 1"));
      }
      case 2 -> {
        b.out().parse("", "SELECT $1::text || g FROM generate_series(1, 3) g").bind("", "", tag)
            .execute("", 2).execute("", 0);
        out.addAll(List.of("1", "2", "D:" + tag + "1", "D:" + tag + "2", "s", "D:" + tag + "3", "C:SELECT *"));
      }
      case 3 -> {
        b.out().query("SELECT '" + tag + "'");
        out.addAll(List.of("T", "D:" + tag, "C:SELECT 1", "Z:" + b.status()));
      }
      case 4 -> {
        int a = client * 100_000 + (int) (b.pipeline() % 50_000);
        b.out().functionCall(functions.int4pl(), Integer.toString(a), "1");
        out.addAll(List.of("V:" + (a + 1), "Z:" + b.status()));
      }
      case 5 -> b.out().flush();
      case 6 -> {
        if (named == null) {
          b.out().parse("", "SELECT $1::text").bind("", "", tag).execute("", 0);
          out.addAll(List.of("1", "2", "D:" + tag, "C:SELECT 1"));
          return;
        }
        b.out().bind("", named, tag).execute("", 0);
        out.addAll(List.of("2", "D:" + tag + "/" + named, "C:SELECT 1"));
      }
      case 7, 8 -> {
        if (statements.size() >= 4 && named != null) {
          b.out().close('S', named);
          statements.remove(named);
          out.add("3");
          return;
        }
        String name = "s" + (++statementsDefined);
        b.out().parse(name, "SELECT $1::text || '/" + name + "'").bind("", name, tag).execute("", 0);
        statements.add(name);
        out.addAll(List.of("1", "2", "D:" + tag + "/" + name, "C:SELECT 1"));
      }
      default -> {
        if (named == null) {
          b.out().flush();
          return;
        }
        b.out().describe('S', named);
        out.addAll(List.of("t", "T"));
      }
    }
  }
}
