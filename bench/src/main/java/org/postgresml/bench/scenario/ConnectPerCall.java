package org.postgresml.bench.scenario;

import java.time.Duration;
import java.util.Locale;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Comparison;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.target.PgBouncer;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Target;

/**
 * Scenario 4: connect-per-transaction ({@code pgbench -C -S -c 8}), the dblink pattern, on
 * loopback and with PostgreSQL behind the delay relay. The poolers sit on the client's side of the
 * delay, as in production: client → pooler → WAN → PostgreSQL.
 */
public final class ConnectPerCall implements Scenario {

  private static final int CLIENTS = 8;

  @Override
  public String id() {
    return "connect";
  }

  @Override
  public void run(BenchContext context) {
    Section section = context.report()
        .section("4. Connect per transaction (pgbench -C -S -c 8): loopback and simulated WAN");
    section.text("Every transaction opens a new connection with a SCRAM-SHA-256 login, as each unnamed `dblink()`"
        + " call does. Across the WAN the delay relay sits between the pooler and PostgreSQL (direct: between"
        + " pgbench and PostgreSQL).");
    for (Duration roundTrip : context.settings().connectRoundTrips()) {
      for (PoolMode mode : PoolMode.values()) {
        try (TargetSet set = context.targets(context.poolerSettings(mode), roundTrip)) {
          for (Target target : set.poolers()) {
            PgbenchRuns.warmUp(context, target, CLIENTS, "-C", "-S");
          }
          String where = roundTrip.isZero() ? "loopback" : roundTrip.toMillis() + " ms RTT";
          Comparison comparison = Rounds.compare("connect-per-call, " + where + ", " + PgbenchRuns.modeLabel(mode),
              "TPS", set, context.settings().rounds(),
              target -> PgbenchRuns.timed(context, target, CLIENTS, "-C", "-S"));
          section.table(comparison);
          context.figures().put(Figures.connect(roundTrip, mode.key()), comparison);
          if (roundTrip.toMillis() == 10) {
            context.report().headline(headline(comparison, mode));
          }
        }
      }
    }
  }

  private static String headline(Comparison comparison, PoolMode mode) {
    StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
        "Connect-per-call across 10 ms RTT, %s mode: direct %s TPS", mode.key(),
        comparison.rate(Target.DIRECT).format(1)));
    for (String target : comparison.targets()) {
      if (Target.DIRECT.equals(target)) {
        continue;
      }
      line.append("; ").append(target).append(' ');
      if (comparison.rate(target).isEmpty()) {
        line.append(comparison.failure(target).orElse("no result"));
      } else {
        line.append(comparison.rate(target).format(1)).append(" TPS = ")
            .append(comparison.ratio(target, Target.DIRECT).formatRatio()).append(" direct");
        if (!PgBouncer.NAME.equals(target) && comparison.has(PgBouncer.NAME)) {
          line.append(", ").append(comparison.ratio(target, PgBouncer.NAME).formatRatio()).append(" PgBouncer");
        }
      }
    }
    comparison.skipped().forEach((target, reason) -> line.append("; ").append(target).append(" skipped"));
    return line.toString();
  }
}
