package org.postgresml.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresml.bench.target.PgBouncer;
import org.postgresml.bench.target.PgmlProxy;
import org.postgresml.bench.target.Target;

/**
 * A horizontal bar chart of each pooler's median throughput ratio to direct PostgreSQL, one group
 * per measured configuration, on a log scale (connect-per-call gains of 20× sit beside 0.8×).
 */
public final class SvgPlot {

  private static final int LABEL_WIDTH = 360;
  private static final int BAR_AREA = 460;
  private static final int BAR_HEIGHT = 12;
  private static final int GROUP_GAP = 10;
  private static final int TOP = 50;

  private SvgPlot() {}

  private record Bar(String target, double ratio) {}

  private record Group(String label, List<Bar> bars) {}

  public static String render(Report report) {
    List<Group> groups = new ArrayList<>();
    for (Section section : report.sections()) {
      for (Comparison comparison : section.comparisons()) {
        if (!comparison.has(Target.DIRECT)) {
          continue;
        }
        List<Bar> bars = comparison.targets().stream().filter(t -> !Target.DIRECT.equals(t))
            .map(t -> new Bar(t, comparison.ratio(t, Target.DIRECT).median())).toList();
        if (!bars.isEmpty()) {
          groups.add(new Group(comparison.label(), bars));
        }
      }
    }
    double lo = 0.25;
    double hi = 4;
    for (Group group : groups) {
      for (Bar bar : group.bars()) {
        if (!Double.isNaN(bar.ratio()) && bar.ratio() > 0) {
          lo = Math.min(lo, bar.ratio());
          hi = Math.max(hi, bar.ratio());
        }
      }
    }
    double logLo = Math.floor(Math.log10(lo));
    double logHi = Math.ceil(Math.log10(hi));
    int height = TOP + groups.stream().mapToInt(g -> g.bars().size() * BAR_HEIGHT + GROUP_GAP).sum() + 40;
    int width = LABEL_WIDTH + BAR_AREA + 90;
    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\""
            + " font-size=\"11\">%n",
        width, height));
    svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
    svg.append("<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Throughput relative to direct PostgreSQL"
        + " (median of per-round ratios, log scale)</text>\n");
    legend(svg, LABEL_WIDTH, 36, groups.stream().flatMap(g -> g.bars().stream()).map(Bar::target).distinct()
        .toList());
    int chartBottom = height - 30;
    for (double exp = logLo; exp <= logHi; exp++) {
      for (int m = 1; m < 10; m++) {
        double value = m * Math.pow(10, exp);
        if (Math.log10(value) > logHi) {
          break;
        }
        double x = xOf(value, logLo, logHi);
        boolean major = m == 1;
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\"/>%n",
            x, TOP - 6, x, chartBottom, major ? "#bbb" : "#eee"));
        if (major || m == 2 || m == 5) {
          svg.append(String.format(Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" fill=\"#555\">%s×</text>%n",
              x, chartBottom + 14, trim(value)));
        }
      }
    }
    double one = xOf(1, logLo, logHi);
    svg.append(String.format(Locale.ROOT,
        "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" stroke-width=\"1.5\"/>%n",
        one, TOP - 6, one, chartBottom));
    int y = TOP;
    for (Group group : groups) {
      int groupHeight = group.bars().size() * BAR_HEIGHT;
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
          LABEL_WIDTH - 8, y + groupHeight / 2 + 4, escape(group.label())));
      for (Bar bar : group.bars()) {
        if (Double.isNaN(bar.ratio())) {
          svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s: failed</text>%n",
              one + 4, y + BAR_HEIGHT - 2, color(bar.target()), escape(bar.target())));
        } else {
          double x = xOf(bar.ratio(), logLo, logHi);
          svg.append(String.format(Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
              Math.min(x, one), y + 1, Math.abs(x - one), BAR_HEIGHT - 2, color(bar.target())));
          svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" fill=\"#333\">%.2f×</text>%n",
              Math.max(x, one) + 4, y + BAR_HEIGHT - 2, bar.ratio()));
        }
        y += BAR_HEIGHT;
      }
      y += GROUP_GAP;
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private static void legend(StringBuilder svg, int x, int y, List<String> present) {
    int offset = 0;
    for (String target : present.isEmpty() ? List.of(PgBouncer.NAME, PgmlProxy.NAME) : present) {
      svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>%n",
          x + offset, y - 9, color(target)));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", x + offset + 14, y, target));
      offset += 40 + 7 * target.length();
    }
  }

  private static double xOf(double value, double logLo, double logHi) {
    return LABEL_WIDTH + (Math.log10(value) - logLo) / (logHi - logLo) * BAR_AREA;
  }

  private static String color(String target) {
    return switch (target) {
      case PgBouncer.NAME -> "#9a9a9a";
      case PgmlProxy.NAME -> "#1f6fb4";
      default -> target.startsWith(PgmlProxy.NAME) ? "#8fbde6" : "#e08a1e"; // the "before" jar: a lighter blue
    };
  }

  private static String trim(double value) {
    return value >= 1 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2g", value);
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
