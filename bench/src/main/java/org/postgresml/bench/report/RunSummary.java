package org.postgresml.bench.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The summary a run leads with (and README's Performance section is generated from): issue 17's
 * figures with pgml-proxy's ratios to PgBouncer and to the "before" jar against the issue's goals,
 * the dblink call's distance to its physical limit (one round trip plus the local login), and issue
 * 18's cache figures. Only what the run measured is shown.
 */
public final class RunSummary {

  static final String PGBOUNCER = "pgbouncer";
  static final String DIRECT = "direct";
  static final String PROXY = "pgml-proxy";
  private static final List<String> MODES = List.of("session", "transaction");

  private final Figures figures;
  private final Optional<String> baseline;
  private final List<String> targets;

  public RunSummary(Figures figures, Optional<String> baseline) {
    this.figures = figures;
    this.baseline = baseline;
    List<String> names = new ArrayList<>(List.of(DIRECT, PGBOUNCER));
    baseline.ifPresent(names::add);
    names.add(PROXY);
    this.targets = List.copyOf(names);
  }

  /** Issue 17's table: one row per figure the run measured. */
  public List<SummaryRow> issue17Rows(List<Integer> selectClients, Duration connectRtt, Duration dblinkRtt,
      List<Integer> dblinkCallers) {
    List<SummaryRow> rows = new ArrayList<>();
    for (String mode : MODES) {
      figures.get(Figures.cpu(mode)).ifPresent(c -> rows.add(row("CPU µs per select-only transaction, " + mode, c,
          false, 1, Optional.of(Goal.atMost(1.0, "PgBouncer")), Double.NaN)));
    }
    for (String mode : MODES) {
      for (int clients : selectClients) {
        Optional<Goal> goal = clients == 16 || clients == 64 ? Optional.of(Goal.atLeast(1.0, "PgBouncer"))
            : Optional.empty();
        figures.get(Figures.select(clients, mode)).ifPresent(c -> rows.add(row("select-only TPS, " + clients
            + " clients, " + mode, c, false, 0, goal, Double.NaN)));
      }
    }
    for (String mode : MODES) {
      figures.get(Figures.login(mode)).ifPresent(c -> {
        rows.add(row("login p50 ms, " + mode, c, true, 2, Optional.of(Goal.atMost(1.0, "PgBouncer")), Double.NaN));
        rows.add(p99Row("login p99 ms, " + mode, c));
      });
      figures.get(Figures.loginWarm(mode)).ifPresent(c -> {
        rows.add(row("login p50 ms, " + mode + ", warm", c, true, 2, Optional.of(Goal.atMost(1.0, "PgBouncer")),
            Double.NaN));
        rows.add(p99Row("login p99 ms, " + mode + ", warm", c));
      });
    }
    for (String mode : MODES) {
      for (int callers : dblinkCallers) {
        figures.get(Figures.dblink(dblinkRtt, callers, mode)).ifPresent(c -> rows.add(row("dblink per call ms, "
            + dblinkRtt.toMillis() + " ms RTT, " + callers + (callers == 1 ? " caller, " : " callers, ") + mode, c,
            true, 2, Optional.of(Goal.atMost(1.0, "PgBouncer")), Double.NaN)));
      }
    }
    Optional<Comparison> pgbouncerTransaction = figures.get(Figures.connect(connectRtt, "transaction"));
    for (String mode : MODES) {
      figures.get(Figures.connect(connectRtt, mode)).ifPresent(c -> {
        // The goal is against PgBouncer's transaction mode (its better one) for both of our modes.
        double versusTransaction = pgbouncerTransaction.map(t -> c.rate(PROXY).median() / t.rate(PGBOUNCER).median())
            .orElse(Double.NaN);
        rows.add(row("connect-per-call TPS, " + connectRtt.toMillis() + " ms RTT, " + mode, c, false, 1,
            Optional.of(Goal.atLeast(1.1, "PgBouncer's transaction mode")), versusTransaction));
      });
    }
    // The goal is on what one more connection costs: the first half also pays the JIT's code and
    // the classes the first logins load, which no number of idle clients changes (docs/benchmarks.md).
    valueRow("idle client connection, KiB RSS each (transaction mode, second half of them)",
        Figures::idleMarginalKib, 2, Goal.absoluteAtMost(4, "KiB")).ifPresent(rows::add);
    valueRow("idle client connection, KiB RSS each (transaction mode, all of them)", Figures::idleKib, 2, null)
        .ifPresent(rows::add);
    valueRow("large COPY (1 GiB in a full or profile run), peak heap growth MiB", Figures::copyHeapMib, 1, Goal.absoluteAtMost(32, "MiB"))
        .ifPresent(rows::add);
    valueRow("large COPY, peak RSS growth MiB", Figures::copyRssMib, 1, null).ifPresent(rows::add);
    return rows;
  }

  /** A row of single figures (one per target, no rounds): ratios of the values, the goal on pgml-proxy's own. */
  private Optional<SummaryRow> valueRow(String figure, java.util.function.Function<String, String> key, int decimals,
      Goal goal) {
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
    boolean any = false;
    for (String target : targets) {
      java.util.OptionalDouble value = figures.value(key.apply(target));
      any |= value.isPresent();
      values.put(target, value.isPresent() ? String.format(Locale.ROOT, "%." + decimals + "f", value.getAsDouble())
          : "–");
    }
    if (!any) {
      return Optional.empty();
    }
    double proxy = figures.value(key.apply(PROXY)).orElse(Double.NaN);
    Stats versusPgBouncer = single(proxy / figures.value(key.apply(PGBOUNCER)).orElse(Double.NaN));
    Stats versusBaseline = baseline.map(name -> single(proxy / figures.value(key.apply(name)).orElse(Double.NaN)))
        .orElse(Stats.of(List.of()));
    return Optional.of(new SummaryRow(figure, values, versusPgBouncer, versusBaseline, Optional.ofNullable(goal),
        proxy));
  }

  private SummaryRow row(String figure, Comparison comparison, boolean latency, int decimals, Optional<Goal> goal,
      double goalRatio) {
    return SummaryRow.of(figure, comparison, latency, decimals, targets, PROXY, baseline, goal, goalRatio);
  }

  private SummaryRow p99Row(String figure, Comparison comparison) {
    java.util.Map<String, String> values = new java.util.LinkedHashMap<>();
    for (String target : targets) {
      Percentiles all = comparison.percentiles(target);
      values.put(target, all.format(all.p99(), 2));
    }
    double proxy = comparison.percentiles(PROXY).p99();
    Stats versusPgBouncer = single(proxy / comparison.percentiles(PGBOUNCER).p99());
    Stats versusBaseline = baseline.map(name -> single(proxy / comparison.percentiles(name).p99()))
        .orElse(Stats.of(List.of()));
    return new SummaryRow(figure, values, versusPgBouncer, versusBaseline, Optional.empty(), Double.NaN);
  }

  private static Stats single(double value) {
    return Stats.of(Double.isNaN(value) ? List.of() : List.of(value));
  }

  /** The extra the dblink scenarios file per round: the median of that round's dblink logins. */
  public static final String DBLINK_LOGIN = "dblink login p50 ms";

  /** The cache scenario's reference: dblink logins timed in the places of the repeated texts' calls. */
  public static final String LOGIN_IN_PLACE = "dblink login in the repeats' places p50 ms";

  /**
   * One line of the physical-limit table: a pooler's dblink call against one RTT plus its own local
   * login. The local login is the one the dblink call pays (dblink_connect + dblink_disconnect timed
   * from the same caller in the same rounds) when the run measured it, else the raw client's login.
   */
  public record LimitRow(String mode, int callers, String target, double perCallMs, double roundTripMs,
      double dblinkLoginMs, double clientLoginMs) {

    /** The login the goal is judged against. */
    public double loginMs() {
      return Double.isNaN(dblinkLoginMs) ? clientLoginMs : dblinkLoginMs;
    }

    public double limitMs() {
      return roundTripMs + loginMs();
    }

    public double aboveMs() {
      return perCallMs - limitMs();
    }

    /** (per call − RTT) / local login: the issue's goal is at most 1.2. */
    public double loginMultiple() {
      return (perCallMs - roundTripMs) / loginMs();
    }
  }

  public List<LimitRow> limitRows(Duration dblinkRtt, List<Integer> callers) {
    List<LimitRow> rows = new ArrayList<>();
    double rtt = figures.roundTripMs(dblinkRtt);
    for (String mode : MODES) {
      Optional<Comparison> login = figures.get(Figures.login(mode));
      for (int n : callers) {
        Optional<Comparison> dblink = figures.get(Figures.dblink(dblinkRtt, n, mode));
        if (dblink.isEmpty()) {
          continue;
        }
        for (String target : targets.subList(1, targets.size())) {
          double perCall = dblink.get().latency(target).median();
          double dblinkLogin = dblink.get().extra(target, DBLINK_LOGIN).median();
          double clientLogin = login.map(l -> l.latency(target).median()).orElse(Double.NaN);
          if (!Double.isNaN(perCall) && !(Double.isNaN(dblinkLogin) && Double.isNaN(clientLogin))) {
            rows.add(new LimitRow(mode, n, target, perCall, rtt, dblinkLogin, clientLogin));
          }
        }
      }
    }
    return rows;
  }

  public String limitTable(Duration dblinkRtt, List<Integer> callers) {
    List<LimitRow> rows = limitRows(dblinkRtt, callers);
    if (rows.isEmpty()) {
      return "";
    }
    Goal goal = Goal.atMost(1.2, "the local login");
    StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "Physical limit of a dblink call across %d ms:"
            + " one round trip (%.2f ms %s) plus the target's own local login as the dblink call pays it (the same"
            + " callers' dblink_connect + dblink_disconnect, same rounds; the raw client's login p50 above where"
            + " that was not measured). Goal: per call ≤ RTT + 1.2 × login.%n%n", dblinkRtt.toMillis(),
        figures.roundTripMs(dblinkRtt),
        figures.roundTripMeasured(dblinkRtt) ? "measured" : "configured; the relay self-check did not run"));
    out.append("| mode | callers | target | per call p50 ms | dblink login p50 ms | raw login p50 ms"
        + " | limit ms (RTT + login) | above the limit ms | (per call − RTT) / login | goal |\n"
        + "|---|---:|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (LimitRow row : rows) {
      out.append(String.format(Locale.ROOT, "| %s | %d | %s | %.2f | %s | %s | %.2f | %.2f | %.2f× | %s |%n",
          row.mode(), row.callers(), row.target(), row.perCallMs(), millis(row.dblinkLoginMs()),
          millis(row.clientLoginMs()), row.limitMs(), row.aboveMs(), row.loginMultiple(),
          PROXY.equals(row.target()) ? goal.verdict(row.loginMultiple()) : ""));
    }
    return out.toString();
  }

  private static String millis(double value) {
    return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
  }

  /** Issue 18's table: calls/s and per-call times with and without the cache, beside PgBouncer. */
  public String cacheTable(List<Integer> hitPercents, List<Integer> callers) {
    StringBuilder out = new StringBuilder();
    java.util.Set<String> skipped = new java.util.LinkedHashSet<>();
    String cached = PROXY + "+cache";
    for (String mode : MODES) {
      Optional<Comparison> login = figures.get(Figures.login(mode));
      for (int n : callers) {
        for (int hit : hitPercents) {
          Optional<Comparison> found = figures.get(Figures.cache(hit, n, mode));
          if (found.isEmpty()) {
            continue;
          }
          Comparison c = found.get();
          if (out.isEmpty()) {
            out.append("| hit ratio (measured) | callers | mode | PgBouncer calls/s | pgml-proxy calls/s"
                + " | pgml-proxy+cache calls/s | +cache × PgBouncer | +cache per call p50 ms"
                + " | +cache repeated-text p50 ms | its dblink logins in the repeats' places p50 ms | × them"
                + " | its dblink logins back to back p50 ms | × them | × raw login p50 |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|\n");
          }
          double repeated = c.extra(cached, "repeated texts p50 ms").median();
          double inPlace = c.extra(cached, LOGIN_IN_PLACE).median();
          double dblinkLogin = c.extra(cached, DBLINK_LOGIN).median();
          double clientLogin = login.map(l -> l.latency(PROXY).median()).orElse(Double.NaN);
          // Judged against the login the cached call itself pays, timed where those calls were (after
          // a round trip's wait as often as they were); else the back-to-back one, else the raw client's.
          double judgedLogin = !Double.isNaN(inPlace) ? inPlace : Double.isNaN(dblinkLogin) ? clientLogin : dblinkLogin;
          String backToBack = Double.isNaN(repeated / dblinkLogin) ? "–"
              : String.format(Locale.ROOT, "%.2f×", repeated / dblinkLogin);
          String multiple = Double.isNaN(repeated / judgedLogin) ? "–"
              : String.format(Locale.ROOT, "%.2f× (%s)", repeated / judgedLogin,
                  Goal.atMost(1.2, "login").verdict(repeated / judgedLogin));
          String rawMultiple = Double.isNaN(repeated / clientLogin) ? "–"
              : String.format(Locale.ROOT, "%.2f×", repeated / clientLogin);
          c.skipped().forEach((target, reason) -> skipped.add(target + " skipped: " + reason));
          String measured = c.extra(cached, "measured hit ratio").isEmpty()
              ? (c.skipped().containsKey(cached) ? "skipped" : "–")
              : String.format(Locale.ROOT, "%.1f%%", 100 * c.extra(cached, "measured hit ratio").median());
          out.append(String.format(Locale.ROOT,
              "| %d%% (%s) | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              hit, measured, n, mode, c.rate(PGBOUNCER).format(1), c.rate(PROXY).format(1),
              c.rate(cached).format(1), c.ratio(cached, PGBOUNCER).formatRatio(), c.latency(cached).format(2),
              millis(repeated), millis(inPlace), multiple, millis(dblinkLogin), backToBack, rawMultiple));
        }
      }
    }
    skipped.forEach(line -> out.append('\n').append(line).append(".\n"));
    return out.toString();
  }

  public List<String> targets() {
    return targets;
  }
}
