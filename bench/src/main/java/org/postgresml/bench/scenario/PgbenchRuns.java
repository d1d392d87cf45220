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
   * each side: give every 32 clients one more second so that hundreds of clients still get the
   * full measured time (pgbench reports TPS without the initial connection time).
   */
  static long seconds(BenchContext context, int clients) {
    return context.settings().runTime().toSeconds() + clients / 32;
  }

  /** A short untimed run so pools are warm and plans cached before the first measured round. */
  static void warmUp(BenchContext context, Target target, int clients, String... options) {
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of("-c", Integer.toString(clients), "-j", Pgbench.threadsFor(clients), "-t", "20"));
    Pgbench.run(target.endpoint(), args, context.settings().pgbenchLimit());
  }

  static String modeLabel(org.postgresml.bench.target.PoolMode mode) {
    return mode.key() + " mode";
  }
}
