package org.postgresml.bench.scenario;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.run.ProcStat;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.PoolerSettings;
import org.postgresml.bench.target.Probe;
import org.postgresml.bench.target.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 6a: many idle, logged-in client connections held open against each pooler (transaction
 * mode, so idle clients hold no server connection): the pooler's RSS before, halfway and after, per
 * connection. The second half's figure is what one more idle client costs: the first half also pays
 * once for what a JVM builds at its first logins (JIT-compiled code, loaded classes), which is no
 * cost of holding connections.
 */
public final class IdleConnections implements Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(IdleConnections.class);

  @Override
  public String id() {
    return "idle";
  }

  @Override
  public void run(BenchContext context) {
    int wanted = context.settings().idleConnections();
    Duration limit = context.settings().quick() ? Duration.ofSeconds(15) : Duration.ofMinutes(6);
    Section section = context.report().section("6a. Memory per idle client connection");
    StringBuilder table = new StringBuilder(
        "| pooler | connections held | RSS before MiB | RSS halfway MiB | RSS after MiB | KiB per connection |"
        + " KiB per connection, second half |\n"
        + "|---|---:|---:|---:|---:|---:|---:|\n");
    PoolerSettings base = context.poolerSettings(PoolMode.TRANSACTION);
    PoolerSettings settings = new PoolerSettings(base.mode(), base.poolSize(), base.minPoolSize(), wanted + 100);
    try (TargetSet set = context.targets(settings, Duration.ZERO)) {
      for (Target pooler : set.poolers()) {
        table.append(measure(context, pooler, wanted, limit)).append('\n');
      }
      set.skipped().forEach((name, reason) -> table.append("| ").append(name).append(" | skipped: ")
          .append(reason.replace("|", "/")).append(" | | | | | |\n"));
    }
    section.text(wanted + " pgjdbc connections (SCRAM-SHA-256 login, then idle), opened one after another within "
        + limit.toSeconds() + " s; RSS from /proc/<pid>/status before the first, after half of them and after"
        + " the last. The second half's figure (RSS after − halfway, per connection of the second half) is what"
        + " one more idle client costs; the first half also pays once for what the first logins build (a JVM's"
        + " compiled code and loaded classes).\n\n" + table);
  }

  private static String measure(BenchContext context, Target pooler, int wanted, Duration limit) {
    long pid = pooler.pid().orElseThrow();
    long before = ProcStat.rssKib(pid);
    int half = wanted / 2;
    long halfway = -1;
    List<Connection> held = new ArrayList<>(wanted);
    long deadline = System.nanoTime() + limit.toNanos();
    String stop = "";
    try {
      while (held.size() < wanted && System.nanoTime() < deadline) {
        held.add(Probe.connect(pooler.endpoint()));
        if (held.size() == half) {
          halfway = ProcStat.rssKib(pid);
        }
      }
      long after = ProcStat.rssKib(pid);
      if (held.size() < wanted) {
        stop = " (time limit reached)";
      }
      double perConnection = held.isEmpty() ? Double.NaN : (after - before) / (double) held.size();
      double secondHalf = halfway < 0 || held.size() <= half ? Double.NaN
          : (after - halfway) / (double) (held.size() - half);
      if (!held.isEmpty()) {
        context.figures().value(Figures.idleKib(pooler.name()), perConnection);
      }
      if (!Double.isNaN(secondHalf)) {
        context.figures().value(Figures.idleMarginalKib(pooler.name()), secondHalf);
      }
      return String.format(Locale.ROOT, "| %s | %d%s | %.1f | %s | %.1f | %.2f | %.2f |", pooler.name(), held.size(),
          stop, before / 1024.0, halfway < 0 ? "–" : String.format(Locale.ROOT, "%.1f", halfway / 1024.0),
          after / 1024.0, perConnection, secondHalf);
    } catch (SQLException e) {
      return String.format(Locale.ROOT, "| %s | %d, then failed: %s | %.1f | | | | |", pooler.name(), held.size(),
          e.getMessage().replace("|", "/"), before / 1024.0);
    } finally {
      for (Connection connection : held) {
        try {
          connection.close();
        } catch (SQLException e) {
          LOG.debug("closing an idle connection: {}", e.getMessage());
        }
      }
    }
  }
}
