package org.postgresml.bench.scenario;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Comparison;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Measurement;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Target;

/**
 * Scenario 5: the blog post's {@code dblink} embed call, issued from a second PostgreSQL (the "RDS"
 * side) to PostgreSQL behind the simulated WAN, directly or through a pooler next to the caller, by
 * one caller and by several at once. {@code pgml.embed} is the test stand-in (testing/PgmlStandIn),
 * not PostgresML: the cost measured is the connection's, which is the point.
 */
public final class DblinkEmbed implements Scenario {

  static final String TEXT = "embed this text";

  @Override
  public String id() {
    return "dblink";
  }

  @Override
  public void run(BenchContext context) {
    int rounds = context.settings().rounds();
    Section section = context.report()
        .section("5. dblink embed call from a second PostgreSQL across the simulated WAN");
    section.text("`SELECT * FROM dblink('postgresml', 'SELECT pgml.embed(''" + DblinkCalls.MODEL + "'', ''" + TEXT
        + "'')') AS t(embedding real[])` run from another PostgreSQL (a `postgres_fdw` server per target), by "
        + context.settings().dblinkCallers() + " concurrent callers (sessions on that PostgreSQL), "
        + context.settings().dblinkCalls(1) + " calls per round with one caller, "
        + context.settings().dblinkCalls(8) + " with 8, " + rounds + " alternating rounds. Rate = calls/s;"
        + " latency = median per call (p99 over all rounds' calls). Each answer is checked against the stand-in's"
        + " expected vector. Each round also times " + DblinkCalls.LOGINS_PER_CALLER + " dblink logins per caller"
        + " (`SELECT dblink_connect('bench_login', server), dblink_disconnect('bench_login')`: the local login as"
        + " a dblink call pays it, with no statement sent), for the physical-limit table.");
    var rds = context.callerSide();
    for (Duration roundTrip : context.settings().dblinkRoundTrips()) {
      for (PoolMode mode : PoolMode.values()) {
        for (int callers : context.settings().dblinkCallers()) {
          try (TargetSet set = context.targets(context.poolerSettings(mode), roundTrip);
               DblinkCalls calls = new DblinkCalls(rds, callers)) {
            List<String> texts = Collections.nCopies(context.settings().dblinkCalls(callers), TEXT);
            for (Target target : set.targets()) {
              calls.define(target);
              calls.batch(target, Collections.nCopies(2 * callers, TEXT)); // warm-up: every caller's pool seat
            }
            Comparison comparison = Rounds.compare("dblink embed, " + roundTrip.toMillis() + " ms RTT, " + callers
                    + (callers == 1 ? " caller, " : " callers, ") + PgbenchRuns.modeLabel(mode), "calls/s", set,
                rounds, target -> measure(calls, target, texts));
            section.table(comparison);
            context.figures().put(Figures.dblink(roundTrip, callers, mode.key()), comparison);
          } catch (SQLException e) {
            section.text("dblink at " + roundTrip.toMillis() + " ms, " + callers + " callers, " + mode.key()
                + " mode failed: " + e.getMessage());
          }
        }
      }
    }
  }

  static Measurement measure(DblinkCalls calls, Target target, List<String> texts) {
    DblinkCalls.Batch batch = calls.batch(target, texts);
    if (batch.error().isPresent()) {
      return Measurement.failed(batch.error().get());
    }
    Map<String, Double> extras = new java.util.LinkedHashMap<>();
    java.util.Optional<String> failed = calls.addLogins(target, extras);
    if (failed.isPresent()) {
      return Measurement.failed(failed.get());
    }
    return Measurement.timed(batch.all(), batch.wallSeconds(), extras);
  }
}
