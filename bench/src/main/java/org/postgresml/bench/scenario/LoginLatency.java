package org.postgresml.bench.scenario;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Comparison;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Measurement;
import org.postgresml.bench.report.Percentiles;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.report.Stats;
import org.postgresml.bench.run.LoginClient;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Target;

/**
 * Sequential login latency on loopback: one client logs in, waits for the first ReadyForQuery,
 * hangs up, and logs in again ({@link LoginClient}, no driver in between), so p50 and p99 come from
 * every single login rather than pgbench -C's average. This is "the local login" of the dblink
 * scenario's physical limit.
 */
public final class LoginLatency implements Scenario {

  static final String DERIVATION = "client key derivation ms";
  static final String SERVER_SIDE = "without the client's derivation ms";

  private static final int WARM_UP_LOGINS = 20;
  /**
   * Logins each pooler serves before the warm rounds. The first rounds run on a fresh process, as a
   * pod just rolled out does: a JVM is still compiling its login path then (C2 was still busy after
   * 8,000 logins). The warm rounds show a pooler that has served for a while, as most do.
   */
  static final int WARM_LOGINS = 10_000;

  @Override
  public String id() {
    return "login";
  }

  @Override
  public void run(BenchContext context) {
    int logins = context.settings().loginsPerRound();
    Section section = context.report().section("Sequential login latency (connect to first ReadyForQuery), loopback");
    section.text("One client, " + logins + " logins per round one after another: TCP connect, StartupMessage,"
        + " SCRAM-SHA-256 (the client derives the key from the password at each login, as libpq does), until the"
        + " first ReadyForQuery; then Terminate. Latency = p50 per round (median over rounds), p99 over all logins"
        + " of all rounds; rate = logins per second. The summary compares p50s. First on fresh processes (after "
        + WARM_UP_LOGINS + " logins, as a pod just rolled out), then again once each pooler has served "
        + WARM_LOGINS + " more (direct PostgreSQL forks a backend per login: it is not warmed).");
    for (PoolMode mode : PoolMode.values()) {
      try (TargetSet set = context.targets(context.poolerSettings(mode), Duration.ZERO)) {
        for (Target target : set.targets()) {
          logins(target, WARM_UP_LOGINS);
        }
        Comparison comparison = Rounds.compare("sequential login, " + PgbenchRuns.modeLabel(mode), "logins/s", set,
            context.settings().rounds(), target -> logins(target, logins));
        section.table(comparison);
        context.figures().put(Figures.login(mode.key()), comparison);
        section.text(clientShare(comparison));
        for (Target pooler : set.poolers()) {
          Measurement warming = logins(pooler, WARM_LOGINS);
          if (warming.error().isPresent()) {
            section.text("warming " + pooler.name() + " failed: " + warming.error().get());
          }
        }
        Comparison warm = Rounds.compare("sequential login, warm (after " + WARM_LOGINS + " more logins), "
            + PgbenchRuns.modeLabel(mode), "logins/s", set, set.poolers(), context.settings().rounds(),
            target -> logins(target, logins));
        section.table(warm);
        context.figures().put(Figures.loginWarm(mode.key()), warm);
        section.text(clientShare(warm));
      }
    }
  }

  static Measurement logins(Target target, int count) {
    List<Double> millis = new ArrayList<>(count);
    List<Double> derivation = new ArrayList<>(count);
    List<Double> serverSide = new ArrayList<>(count);
    long start = System.nanoTime();
    try {
      for (int i = 0; i < count; i++) {
        LoginClient.Login login = LoginClient.login(target.endpoint());
        millis.add(login.millis());
        derivation.add(login.derivationNanos() / 1e6);
        serverSide.add(login.serverMillis());
      }
    } catch (IOException | RuntimeException e) {
      return Measurement.failed("login " + (millis.size() + 1) + " through " + target.name() + ": " + e.getMessage());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return Measurement.timed(millis, seconds, Map.of(DERIVATION, Percentiles.of(derivation).p50(),
        SERVER_SIDE, Percentiles.of(serverSide).p50()));
  }

  private static String clientShare(Comparison comparison) {
    StringBuilder line = new StringBuilder("p50 without the client's own key derivation (PBKDF2, 4096 rounds):");
    for (String target : comparison.targets()) {
      Stats server = comparison.extra(target, SERVER_SIDE);
      Stats derivation = comparison.extra(target, DERIVATION);
      line.append(String.format(Locale.ROOT, " %s %s ms (derivation %s ms);", target, server.format(2),
          derivation.format(2)));
    }
    return line.substring(0, line.length() - 1) + ".";
  }
}
