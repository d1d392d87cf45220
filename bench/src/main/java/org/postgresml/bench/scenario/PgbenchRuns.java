package org.postgresml.bench.scenario;

import java.util.ArrayList;
import java.util.List;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.report.Measurement;
import org.postgresml.bench.run.Pgbench;
import org.postgresml.bench.target.Target;

/** The pgbench command lines the scenarios share, built in one place. */
final class PgbenchRuns {

  private PgbenchRuns() {}

  /** {@code pgbench <options> -c clients -j threads -T seconds} against one target. */
  static Measurement timed(BenchContext context, Target target, int clients, String... options) {
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of("-c", Integer.toString(clients), "-j", Pgbench.threadsFor(clients),
        "-T", Long.toString(seconds(context, clients))));
    return Measurement.of(Pgbench.run(target.endpoint(), args, context.settings().pgbenchLimit()));
  }

  /**
   * pgbench's -T clock includes the clients' logins, and a SCRAM login costs milliseconds of CPU on
   * each side, and more on a loaded machine: give every 16 clients (32 in a profile) one more second so that hundreds
   * of clients still get the full measured time (pgbench reports TPS without the initial connection time).
   */
  static long seconds(BenchContext context, int clients) {
    return context.settings().runTime().toSeconds() + clients / context.settings().clientsPerExtraSecond();
  }

  /**
   * An unmeasured run before the first round, so pools are warm and a JVM's JIT has compiled the hot
   * path (a JVM pooler's first seconds would otherwise count its compiler's work as its own).
   */
  static void warmUp(BenchContext context, Target target, int clients, String... options) {
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of("-c", Integer.toString(clients), "-j", Pgbench.threadsFor(clients),
        "-T", Long.toString(context.settings().warmUp().toSeconds())));
    Pgbench.run(target.endpoint(), args, context.settings().pgbenchLimit());
  }

  static String modeLabel(org.postgresml.bench.target.PoolMode mode) {
    return mode.key() + " mode";
  }
}
