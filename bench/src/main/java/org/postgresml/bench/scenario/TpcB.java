package org.postgresml.bench.scenario;

import java.time.Duration;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Target;

/** Scenario 2: pgbench's default TPC-B-like script at 16 clients, both pool modes, on loopback. */
public final class TpcB implements Scenario {

  private static final int CLIENTS = 16;

  @Override
  public String id() {
    return "tpcb";
  }

  @Override
  public void run(BenchContext context) {
    Section section = context.report().section("2. TPC-B-like (pgbench default script), 16 clients, loopback");
    for (PoolMode mode : PoolMode.values()) {
      try (TargetSet set = context.targets(context.poolerSettings(mode), Duration.ZERO)) {
        for (Target target : set.poolers()) {
          PgbenchRuns.warmUp(context, target, 2);
        }
        section.table(Rounds.compare("TPC-B, " + CLIENTS + " clients, " + PgbenchRuns.modeLabel(mode), "TPS", set,
            context.settings().rounds(), target -> PgbenchRuns.timed(context, target, CLIENTS)));
      }
    }
  }
}
