package org.postgresml.bench.scenario;

import java.time.Duration;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Comparison;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Target;

/** Scenario 1: {@code pgbench -S} at 1, 16, 64 and 256 clients, session and transaction mode, on loopback. */
public final class SelectOnly implements Scenario {

  @Override
  public String id() {
    return "select";
  }

  @Override
  public void run(BenchContext context) {
    Section section = context.report().section("1. Select-only (pgbench -S), loopback");
    section.text("Each client keeps its connection; pool size " + context.settings().sessionPoolSize()
        + " in session mode (every client gets a server, as direct), " + context.settings().transactionPoolSize()
        + " in transaction mode.");
    for (PoolMode mode : PoolMode.values()) {
      try (TargetSet set = context.targets(context.poolerSettings(mode), Duration.ZERO)) {
        for (Target target : set.poolers()) {
          PgbenchRuns.warmUp(context, target, 4, "-S");
        }
        for (int clients : context.settings().selectOnlyClients()) {
          Comparison comparison = Rounds.compare("select-only, " + clients + " clients, "
              + PgbenchRuns.modeLabel(mode), "TPS", set, context.settings().selectRounds(),
              target -> PgbenchRuns.timed(context, target, clients, "-S"));
          section.table(comparison);
          context.figures().put(Figures.select(clients, mode.key()), comparison);
        }
      }
    }
  }
}
