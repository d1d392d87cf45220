package org.postgresml.bench.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Comparison;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Measurement;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.run.Pgbench;
import org.postgresml.bench.run.PgbenchResult;
import org.postgresml.bench.run.ProcStat;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Target;

/**
 * Each pooler's own CPU time per transaction over a fixed {@code pgbench -S -t N}, from
 * {@code /proc/<pid>/stat}: unlike throughput on a shared 2-core machine, this barely moves between
 * runs, so it leads the report.
 */
public final class CpuPerTransaction implements Scenario {

  /** A fixed count of transactions takes as long as the slowest target needs, within reason. */
  private static final Duration FIXED_RUN_LIMIT = Duration.ofMinutes(5);

  @Override
  public String id() {
    return "cpu";
  }

  @Override
  public void run(BenchContext context) {
    int clients = context.settings().cpuClients();
    int perClient = context.settings().cpuTransactionsPerClient();
    Section section = context.report().section("CPU time per transaction (pooler process, user + system)");
    section.text(String.format(Locale.ROOT, "`pgbench -S -c %d -j %s -t %d` (%d transactions) per round; the pooler's"
        + " utime+stime from /proc/<pid>/stat before and after, divided by the transactions processed."
        + " Lower is better; the ratio column compares CPU, not throughput.", clients, Pgbench.threadsFor(clients),
        perClient, clients * perClient));
    for (PoolMode mode : PoolMode.values()) {
      try (TargetSet set = context.targets(context.poolerSettings(mode), Duration.ZERO)) {
        List<Target> poolers = set.poolers();
        for (Target pooler : poolers) {
          PgbenchRuns.warmUp(context, pooler, clients, "-S");
        }
        Comparison comparison = Rounds.compare("CPU per select-only transaction, " + PgbenchRuns.modeLabel(mode),
            "µs CPU/txn", set, poolers, context.settings().rounds(),
            pooler -> measure(context, pooler, clients, perClient));
        section.table(comparison);
        context.figures().put(Figures.cpu(mode.key()), comparison);
        for (String name : comparison.targets()) {
          context.report().headline(String.format(Locale.ROOT, "CPU per transaction, %s, %s mode: %s µs", name,
              mode.key(), comparison.rate(name).format(1)));
        }
        comparison.skipped().forEach((name, reason) ->
            context.report().headline("CPU per transaction, " + name + ", " + mode.key() + " mode: skipped"));
      }
    }
  }

  private static Measurement measure(BenchContext context, Target pooler, int clients, int perClient) {
    long pid = pooler.pid().orElseThrow();
    double before = ProcStat.cpuSeconds(pid);
    PgbenchResult result = Pgbench.run(pooler.endpoint(), List.of("-S", "-c", Integer.toString(clients), "-j",
        Pgbench.threadsFor(clients), "-t", Integer.toString(perClient)), FIXED_RUN_LIMIT);
    double after = ProcStat.cpuSeconds(pid);
    if (result.failed()) {
      return Measurement.of(result);
    }
    double micros = (after - before) * 1e6 / result.transactions();
    return new Measurement(micros, result.latencyMs(), java.util.Optional.empty());
  }
}
