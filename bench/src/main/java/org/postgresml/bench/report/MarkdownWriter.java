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
          out.append(table(table.comparison())).append('\n');
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
    StringBuilder out = new StringBuilder();
    out.append("**").append(comparison.label()).append("**\n\n");
    out.append("| target | ").append(comparison.rateUnit())
        .append(" median (min–max) | latency ms | × direct | × PgBouncer | note |\n");
    out.append("|---|---:|---:|---:|---:|---|\n");
    for (String target : comparison.targets()) {
      out.append("| ").append(target)
          .append(" | ").append(comparison.rate(target).format(1))
          .append(" | ").append(comparison.latency(target).format(2))
          .append(" | ").append(ratioCell(comparison, target, Target.DIRECT))
          .append(" | ").append(ratioCell(comparison, target, PgBouncer.NAME))
          .append(" | ").append(comparison.failure(target).map(MarkdownWriter::cell).orElse(""))
          .append(" |\n");
    }
    comparison.skipped().forEach((target, reason) ->
        out.append("| ").append(target).append(" | skipped | | | | ").append(cell(reason)).append(" |\n"));
    return out.toString();
  }

  private static String ratioCell(Comparison comparison, String target, String baseline) {
    if (target.equals(baseline)) {
      return comparison.rate(target).isEmpty() ? "–" : "1";
    }
    return comparison.ratio(target, baseline).formatRatio();
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
