package org.postgresml.bench.report;

import java.util.Map;
import org.postgresml.bench.target.PgBouncer;
import org.postgresml.bench.target.Target;

/** Renders a {@link Report} as the markdown results file. */
public final class MarkdownWriter {

  private MarkdownWriter() {}

  public static String render(Report report, String plotFileName) {
    StringBuilder out = new StringBuilder();
    out.append("# ").append(report.title()).append("\n\n");
    if (!report.headlines().isEmpty()) {
      out.append("## Leading figures\n\n");
      report.headlines().forEach(line -> out.append("- ").append(line).append('\n'));
      out.append('\n');
    }
    out.append("![ratio to direct PostgreSQL per scenario](").append(plotFileName).append(")\n\n");
    if (!report.notes().isEmpty()) {
      out.append("## Notes\n\n");
      report.notes().forEach(line -> out.append("- ").append(line).append('\n'));
      out.append('\n');
    }
    for (Section section : report.sections()) {
      out.append("## ").append(section.title()).append("\n\n");
      for (Section.Block block : section.blocks()) {
        if (block instanceof Section.Text text) {
          out.append(text.markdown()).append("\n\n");
        } else if (block instanceof Section.Table table) {
          out.append(table(table.comparison(), report.baseline())).append('\n');
        }
      }
    }
    out.append("## Machine and settings\n\n");
    for (Map.Entry<String, String> entry : report.environmentEntries()) {
      out.append("- **").append(entry.getKey()).append("**: ").append(entry.getValue()).append('\n');
    }
    return out.toString();
  }

  static String table(Comparison comparison) {
    return table(comparison, java.util.Optional.empty());
  }

  /**
   * A comparison's table: rate and latency medians with their spread, p99 over every timed operation
   * when the rounds kept them, and the per-round ratios to direct, PgBouncer and the "before" jar.
   */
  static String table(Comparison comparison, java.util.Optional<String> baseline) {
    boolean p99 = comparison.hasSamples();
    java.util.Optional<String> before = baseline.filter(name -> comparison.has(name));
    StringBuilder out = new StringBuilder();
    out.append("**").append(comparison.label()).append("**\n\n");
    out.append("| target | ").append(comparison.rateUnit())
        .append(" median (min–max) | latency ms").append(p99 ? " (p50) | p99 ms" : "")
        .append(" | × direct | × PgBouncer").append(before.map(name -> " | × " + name).orElse(""))
        .append(" | note |\n");
    out.append("|---|---:|---:|").append(p99 ? "---:|" : "").append("---:|---:|")
        .append(before.isPresent() ? "---:|" : "").append("---|\n");
    for (String target : comparison.targets()) {
      out.append("| ").append(target)
          .append(" | ").append(comparison.rate(target).format(1))
          .append(" | ").append(comparison.latency(target).format(2));
      if (p99) {
        Percentiles all = comparison.percentiles(target);
        out.append(" | ").append(all.format(all.p99(), 2));
      }
      out.append(" | ").append(ratioCell(comparison, target, Target.DIRECT))
          .append(" | ").append(ratioCell(comparison, target, PgBouncer.NAME));
      before.ifPresent(name -> out.append(" | ").append(ratioCell(comparison, target, name)));
      out.append(" | ").append(comparison.failure(target).map(MarkdownWriter::cell).orElse(""))
          .append(" |\n");
    }
    String empty = " |".repeat(3 + (p99 ? 1 : 0) + (before.isPresent() ? 1 : 0));
    comparison.skipped().forEach((target, reason) ->
        out.append("| ").append(target).append(" | skipped |").append(empty).append(' ').append(cell(reason))
            .append(" |\n"));
    return out.toString();
  }

  private static String ratioCell(Comparison comparison, String target, String baseline) {
    if (target.equals(baseline)) {
      return comparison.rate(target).isEmpty() ? "–" : "1";
    }
    return comparison.ratio(target, baseline).formatRatio();
  }

  static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
