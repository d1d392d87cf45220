package org.postgresml.bench.scenario;

import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Measurement;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.report.Stats;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Target;
import org.postgresml.testing.AuthMethod;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;

/**
 * Scenario 5: the blog post's {@code dblink} embed call, issued from a second PostgreSQL (the "RDS"
 * side) to PostgreSQL behind the simulated WAN, directly or through a pooler next to the caller.
 * {@code pgml.embed} is the test stand-in (testing/PgmlStandIn), not PostgresML: the cost measured
 * is the connection's, which is the point.
 */
public final class DblinkEmbed implements Scenario {

  static final String MODEL = "intfloat/e5-small-v2";
  static final String TEXT = "embed this text";

  @Override
  public String id() {
    return "dblink";
  }

  @Override
  public void run(BenchContext context) {
    int calls = context.settings().dblinkCalls();
    int perRound = Math.max(1, calls / context.settings().rounds());
    Section section = context.report()
        .section("5. dblink embed call from a second PostgreSQL across the simulated WAN");
    section.text("`SELECT * FROM dblink('postgresml', 'SELECT pgml.embed(''" + MODEL + "'', ''" + TEXT
        + "'')') AS t(embedding real[])` run from another PostgreSQL (a `postgres_fdw` server per target), "
        + perRound * context.settings().rounds() + " calls per target in " + context.settings().rounds()
        + " alternating batches. Rate = calls/s; latency = median per call. Each answer is checked against the"
        + " stand-in's expected vector.");
    context.postgres().installPgmlStandIn(context.upstream().database());
    try (PostgresCluster rds = PostgresCluster.builder().auth(AuthMethod.SCRAM_SHA_256).start()) {
      rds.createExtensions("postgres", "dblink", "postgres_fdw");
      for (Duration roundTrip : context.settings().dblinkRoundTrips()) {
        for (PoolMode mode : PoolMode.values()) {
          try (TargetSet set = context.targets(context.poolerSettings(mode), roundTrip);
               Connection caller = rds.connect()) {
            try (Statement bound = caller.createStatement()) {
              bound.execute("SET statement_timeout = '60s'"); // a hung call fails instead of stalling the run
            }
            for (Target target : set.targets()) {
              defineServer(caller, target);
              call(caller, target); // warm-up
            }
            section.table(Rounds.compare("dblink embed, " + roundTrip.toMillis() + " ms RTT, "
                    + PgbenchRuns.modeLabel(mode), "calls/s", set, context.settings().rounds(),
                target -> batch(caller, target, perRound)));
          } catch (SQLException e) {
            section.text("dblink at " + roundTrip.toMillis() + " ms, " + mode.key() + " mode failed: "
                + e.getMessage());
          }
        }
      }
    }
  }

  private static Measurement batch(Connection caller, Target target, int calls) {
    List<Double> millis = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < calls; i++) {
        long t0 = System.nanoTime();
        call(caller, target);
        millis.add((System.nanoTime() - t0) / 1e6);
      }
    } catch (SQLException e) {
      return Measurement.failed(e.getMessage());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Measurement(calls / seconds, Stats.of(millis).median(), Optional.empty());
  }

  private static void call(Connection caller, Target target) throws SQLException {
    String sql = "SELECT * FROM dblink('" + serverName(target) + "', 'SELECT pgml.embed(''" + MODEL + "'', ''" + TEXT
        + "'')') AS t(embedding real[])";
    try (Statement statement = caller.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      if (!rows.next()) {
        throw new SQLException("dblink returned no row through " + target.name());
      }
      Array array = rows.getArray(1);
      Float[] vector = (Float[]) array.getArray();
      float[] expected = PgmlStandIn.expectedEmbedding(MODEL, TEXT);
      float[] got = new float[vector.length];
      for (int i = 0; i < vector.length; i++) {
        got[i] = vector[i];
      }
      if (!Arrays.equals(expected, got)) {
        throw new SQLException("wrong embedding through " + target.name() + ": " + Arrays.toString(got));
      }
    }
  }

  private static void defineServer(Connection caller, Target target) throws SQLException {
    String server = serverName(target);
    try (Statement statement = caller.createStatement()) {
      statement.execute("DROP SERVER IF EXISTS " + server + " CASCADE");
      statement.execute("CREATE SERVER " + server + " FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '"
          + target.endpoint().host() + "', port '" + target.endpoint().port() + "', dbname '"
          + target.endpoint().database() + "', sslmode 'disable')");
      statement.execute("CREATE USER MAPPING FOR CURRENT_USER SERVER " + server + " OPTIONS (user '"
          + target.endpoint().user() + "', password '" + target.endpoint().password() + "')");
    }
  }

  private static String serverName(Target target) {
    return "postgresml_" + target.name().replace('-', '_');
  }
}
