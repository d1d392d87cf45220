package org.postgresml.bench.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.bench.Endpoint;
import org.postgresml.testing.ClientPrograms;

/** Runs Debian's pgbench against an endpoint, always with an explicit PGSSLMODE and a time limit. */
public final class Pgbench {

  private Pgbench() {}

  /** Creates the pgbench tables at the given scale (directly on PostgreSQL). */
  public static void initialize(Endpoint endpoint, int scale) {
    ClientPrograms.Result result = ClientPrograms.run(
        List.of(ClientPrograms.require("pgbench").toString(), "-i", "-q", "-s", Integer.toString(scale)),
        endpoint.libpqEnvironment(), Duration.ofMinutes(5));
    if (!result.succeeded()) {
      throw new IllegalStateException("pgbench -i failed: " + result.stderr());
    }
  }

  /**
   * One pgbench run. {@code options} are pgbench's own (e.g. {@code -S -c 16 -T 10}); a run is
   * killed when it exceeds {@code limit}, which should be generous against its -T or -t.
   */
  public static PgbenchResult run(Endpoint endpoint, List<String> options, Duration limit) {
    List<String> command = new ArrayList<>();
    command.add(ClientPrograms.require("pgbench").toString());
    command.add("-n"); // no vacuum: the tables are not ours to vacuum through a pooler
    command.addAll(options);
    try {
      ClientPrograms.Result result = ClientPrograms.run(command, endpoint.libpqEnvironment(), limit);
      return PgbenchResult.parse(result.exitCode(), result.stdout(), result.stderr());
    } catch (IllegalStateException e) {
      return new PgbenchResult(0, Double.NaN, 0, java.util.Optional.of(e.getMessage()));
    }
  }

  /** pgbench threads: one per core at most, never more than clients. */
  public static String threadsFor(int clients) {
    return Integer.toString(Math.max(1, Math.min(clients, Runtime.getRuntime().availableProcessors())));
  }
}
