package org.postgresml.bench.scenario;

import java.time.Duration;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.target.PoolMode;

/**
 * Scenario 3: {@code -M prepared -S -c 16} in transaction mode. Named prepared statements do not
 * survive a server change in PgBouncer before 1.21; Debian's 1.18 fails here, and that failure is
 * reported as measured, not hidden.
 */
public final class PreparedStatements implements Scenario {

  private static final int CLIENTS = 16;

  @Override
  public String id() {
    return "prepared";
  }

  @Override
  public void run(BenchContext context) {
    Section section = context.report().section("3. Prepared statements in transaction mode (pgbench -M prepared -S)");
    section.text("A failed run is shown with its first error line: PgBouncer before 1.21 does not track named"
        + " prepared statements across server connections.");
    try (TargetSet set = context.targets(context.poolerSettings(PoolMode.TRANSACTION), Duration.ZERO)) {
      set.poolers().forEach(pooler -> PgbenchRuns.warmUp(context, pooler, 4, "-S"));
      section.table(Rounds.compare("-M prepared -S, " + CLIENTS + " clients, transaction mode", "TPS", set,
          context.settings().rounds(),
          target -> PgbenchRuns.timed(context, target, CLIENTS, "-M", "prepared", "-S")));
    }
  }
}
