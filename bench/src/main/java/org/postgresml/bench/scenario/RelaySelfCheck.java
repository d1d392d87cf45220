package org.postgresml.bench.scenario;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Endpoint;
import org.postgresml.testing.net.DelayRelay;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.report.Stats;
import org.postgresml.bench.target.Probe;

/**
 * Checks the delay relay itself: at RTT 0 it must add under 1 ms per round trip (measured as the
 * median {@code SELECT 1} time through it minus directly, in alternating batches), and at the WAN
 * settings the measured extra time per round trip must match the configured RTT.
 */
public final class RelaySelfCheck implements Scenario {

  private static final int BATCHES = 6;
  private static final int QUERIES_PER_BATCH = 400;
  private static final int WAN_QUERIES = 30;

  @Override
  public String id() {
    return "relay";
  }

  @Override
  public void run(BenchContext context) {
    Section section = context.report().section("Delay relay self-check");
    Endpoint direct = context.upstream();
    try (DelayRelay zero = DelayRelay.start(direct.host(), direct.port(), Duration.ZERO);
         Connection viaDirect = Probe.connect(direct);
         Connection viaRelay = Probe.connect(direct.at(zero.host(), zero.port()))) {
      medianMillis(viaDirect, QUERIES_PER_BATCH);
      medianMillis(viaRelay, QUERIES_PER_BATCH);
      List<Double> overheads = new ArrayList<>();
      for (int batch = 0; batch < BATCHES; batch++) {
        double d = medianMillis(viaDirect, QUERIES_PER_BATCH);
        double r = medianMillis(viaRelay, QUERIES_PER_BATCH);
        overheads.add((r - d) * 1000);
      }
      Stats overhead = Stats.of(overheads);
      String verdict = overhead.median() < 1000 ? "under 1 ms: OK" : "NOT under 1 ms: WAN figures are inflated";
      String line = String.format(Locale.ROOT, "Delay relay's own cost at RTT 0: %s µs per round trip (median of %d"
          + " batches of %d `SELECT 1`, relay minus direct), %s", overhead.format(1), BATCHES, QUERIES_PER_BATCH,
          verdict);
      section.text(line);
      context.report().headline(line);
      double base = medianMillis(viaDirect, WAN_QUERIES);
      for (Duration rtt : roundTrips(context)) {
        Endpoint across = context.upstreamAcross(rtt);
        try (Connection viaWan = Probe.connect(across)) {
          double measured = medianMillis(viaWan, WAN_QUERIES) - base;
          context.figures().roundTrip(rtt, measured);
          section.text(String.format(Locale.ROOT, "Configured RTT %d ms: measured %.2f ms extra per round trip"
              + " (median of %d `SELECT 1`; relay transport %s, relay thread %s).",
              rtt.toMillis(), measured, WAN_QUERIES, DelayRelay.transport(),
              DelayRelay.priorityRaised() ? "at nice -10" : "at normal priority"));
        }
      }
    } catch (SQLException e) {
      section.text("self-check failed: " + e.getMessage());
    }
  }

  /** Every RTT a scenario of this run crosses: each is measured once, for the physical limits too. */
  private static List<Duration> roundTrips(BenchContext context) {
    java.util.Set<Duration> all = new java.util.TreeSet<>();
    var settings = context.settings();
    if (settings.includes("connect")) {
      all.addAll(settings.connectRoundTrips());
    }
    if (settings.includes("dblink")) {
      all.addAll(settings.dblinkRoundTrips());
    }
    if (settings.includes("cache")) {
      all.add(settings.cacheRoundTrip());
    }
    all.remove(Duration.ZERO);
    return List.copyOf(all);
  }

  private static double medianMillis(Connection connection, int queries) throws SQLException {
    List<Double> millis = new ArrayList<>(queries);
    try (Statement statement = connection.createStatement()) {
      for (int i = 0; i < queries; i++) {
        long t0 = System.nanoTime();
        statement.execute("SELECT 1");
        millis.add((System.nanoTime() - t0) / 1e6);
      }
    }
    return Stats.of(millis).median();
  }
}
