package org.postgresml.bench.scenario;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalDouble;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.run.HeapSampler;
import org.postgresml.bench.run.ProcStat;
import org.postgresml.bench.target.PgmlProxy;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Probe;
import org.postgresml.bench.target.Target;
import org.postgresql.PGConnection;

/**
 * Scenario 6b: a large {@code COPY ... TO STDOUT} through each target, session mode: throughput,
 * the pooler's peak RSS growth (VmHWM after resetting it) and, for the JVM, peak used-heap growth.
 */
public final class CopyThrough implements Scenario {

  private static final int ROW_BYTES = 1001; // 1000 characters and a newline

  @Override
  public String id() {
    return "copy";
  }

  @Override
  public void run(BenchContext context) {
    long rows = context.settings().copyBytes() / ROW_BYTES;
    String sql = "COPY (SELECT repeat('x', 1000) FROM generate_series(1, " + rows + ")) TO STDOUT";
    Section section = context.report().section("6b. Large COPY through the pooler");
    StringBuilder table = new StringBuilder(
        "| target | MiB copied | MiB/s | peak RSS growth MiB | peak heap growth MiB |\n|---|---:|---:|---:|---:|\n");
    try (TargetSet set = context.targets(context.poolerSettings(PoolMode.SESSION), Duration.ZERO)) {
      for (Target target : set.targets()) {
        table.append(measure(context, target, sql)).append('\n');
      }
      set.skipped().forEach((name, reason) -> table.append("| ").append(name).append(" | skipped: ")
          .append(reason.replace("|", "/")).append(" | | | |\n"));
    }
    section.text("`" + sql + "` read with pgjdbc's CopyManager into a counting sink.\n\n" + table);
  }

  private static String measure(BenchContext context, Target target, String sql) {
    Long pid = target.pid().isPresent() ? target.pid().getAsLong() : null;
    if (pid != null) {
      resetPeakRss(pid);
    }
    long rssBefore = pid == null ? 0 : ProcStat.rssKib(pid);
    // Every pgml-proxy jar (the "before" one too) is a JVM whose heap can be sampled.
    HeapSampler heap = target.name().startsWith(PgmlProxy.NAME) && pid != null ? HeapSampler.start(pid) : null;
    CountingSink sink = new CountingSink();
    long start = System.nanoTime();
    try (Connection connection = Probe.connect(target.endpoint())) {
      connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql, sink);
    } catch (SQLException | IOException e) {
      return "| " + target.name() + " | failed after " + sink.bytes / (1 << 20) + " MiB: "
          + String.valueOf(e.getMessage()).replace("|", "/") + " | | | |";
    } finally {
      if (heap != null) {
        heap.stop();
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    String rss = "–";
    if (pid != null) {
      double rssMib = (ProcStat.peakRssKib(pid) - rssBefore) / 1024.0;
      context.figures().value(Figures.copyRssMib(target.name()), rssMib);
      rss = String.format(Locale.ROOT, "%.1f", rssMib);
    }
    String heapGrowth = "–";
    if (heap != null) {
      OptionalDouble growth = heap.growthKib();
      heap.close();
      heapGrowth = growth.isPresent() ? String.format(Locale.ROOT, "%.1f", growth.getAsDouble() / 1024) : "no samples";
      growth.ifPresent(kib -> context.figures().value(Figures.copyHeapMib(target.name()), kib / 1024));
    }
    return String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %s |", target.name(), sink.bytes >> 20,
        sink.bytes / seconds / (1 << 20), rss, heapGrowth);
  }

  /** Writing 5 to clear_refs resets the peak RSS (VmHWM), so the peak measured is this COPY's. */
  private static void resetPeakRss(long pid) {
    try {
      Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
    } catch (IOException e) {
      // Not permitted for another user's process: the peak then includes the start-up's.
    }
  }

  private static final class CountingSink extends OutputStream {
    private long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
      bytes += length;
    }
  }
}
