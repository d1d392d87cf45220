package org.postgresml.bench.scenario;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.Rounds;
import org.postgresml.bench.TargetSet;
import org.postgresml.bench.report.Comparison;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Measurement;
import org.postgresml.bench.report.Percentiles;
import org.postgresml.bench.report.RunSummary;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.report.Stats;
import org.postgresml.bench.target.PgBouncer;
import org.postgresml.bench.target.PgmlProxy;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Pooler;
import org.postgresml.bench.target.Target;
import org.postgresml.bench.workload.ZipfTexts;

/**
 * Issue 18: the blog's dblink embed call across the WAN with texts that repeat (a Zipf law chosen
 * for a 0, 50 or 90% hit ratio), through PgBouncer, pgml-proxy without its cache, and pgml-proxy with
 * {@code cache.functions: [{name: pgml.embed, public: true}]} (each pgml-proxy jar of the run; a jar
 * without the cache is skipped and says so). Each round draws its own texts, the same for every
 * target, so every target starts cold; the upstream counts the calls that reached it.
 */
public final class CachedEmbed implements Scenario {

  /** The unmeasured warm-up round's hit ratio: the cache's hit path and its miss path run often. */
  static final double WARM_UP_HIT_RATIO = 0.5;

  static final String MEASURED = "measured hit ratio";
  static final String REPORTED = "SHOW CACHE hit ratio";
  static final String SEQUENCE = "sequence hit ratio";
  static final String REPEATS = "repeated texts p50 ms";
  static final String FIRSTS = "first texts p50 ms";
  /** With 1 caller: the repeated-text calls whose caller's previous call was a repeat too (no idle gap before). */
  static final String REPEATS_AFTER_REPEAT = "repeated after a repeated p50 ms";
  /** With 1 caller: the repeated-text calls right after a first text's call (which waited a round trip). */
  static final String REPEATS_AFTER_FIRST = "repeated after a first p50 ms";
  /**
   * The reference a cached call is judged against: the round's sequence again, a dblink login in
   * each repeated text's place and a call of a fresh text (a miss, as the first texts were) in each
   * first text's, so each login meets the conditions its call met (after a round trip's wait, or
   * back to back, and with as many callers busy).
   */
  static final String LOGIN_IN_PLACE = RunSummary.LOGIN_IN_PLACE;
  /** With 1 caller: those logins right after a first text's call, and right after another login. */
  static final String LOGIN_AFTER_FIRST = "login in place after a first p50 ms";
  static final String LOGIN_AFTER_REPEAT = "login in place after a repeated p50 ms";

  @Override
  public String id() {
    return "cache";
  }

  @Override
  public void run(BenchContext context) {
    var settings = context.settings();
    Duration roundTrip = settings.cacheRoundTrip();
    Section section = context.report().section("AI-call cache: dblink embed across " + roundTrip.toMillis()
        + " ms RTT with repeated texts (issue 18)");
    section.text("The dblink call of scenario 5 with texts drawn from a Zipf law over 10 × calls texts, its exponent"
        + " chosen so that the expected share of calls repeating a text already asked for in the round (what a cold"
        + " cache that keeps everything would hit) is 0, 50 or 90% (0%: every text distinct). Each round draws its"
        + " own texts (same seed for every target, under a prefix no earlier round used); " + settings.cacheRounds()
        + " rounds of " + settings.cacheCallsPerRound() + " calls with 1 caller (twice as many with more callers)."
        + " *Measured* hit ratio = 1 − calls that reached the upstream's `pgml.embed` (counted there) / calls;"
        + " *SHOW CACHE's* = the proxy's own (Δ hits + Δ coalesced) / calls."
        + " pgml-proxy+cache runs with `--config` holding `" + PgmlProxy.CACHE_DESCRIPTION + "`. Each round also"
        + " times " + DblinkCalls.LOGINS_PER_CALLER + " dblink logins per caller back to back (connect and"
        + " disconnect, no statement), and then its sequence again with a dblink login in each repeated text's"
        + " place and a call of a fresh text (a miss) in each first text's: the *logins in the repeats' places*,"
        + " timed under the conditions of the calls they stand for, are what a cached call is judged against. A"
        + " call right after a miss starts on a machine that sat idle for the round trip, and every process of the"
        + " path (the caller's PostgreSQL backend, the pooler, the client) pays for waking from that: with 1"
        + " caller the tables split both the repeated texts' calls and the logins in their places by what came"
        + " right before (a repeated text's call, or a first text's across the round trip).");
    context.callerSide();
    Optional<UpstreamCalls> counter = UpstreamCalls.open(context.postgres(), context.upstream().database());
    if (counter.isEmpty()) {
      section.text("The upstream's stand-in counts no calls (no `pgml.embed_calls`): measured hit ratios are left out.");
    }
    try {
      int comparisonIndex = 0;
      for (PoolMode mode : PoolMode.values()) {
        try (TargetSet set = context.targets(context.poolerSettings(mode), roundTrip, poolers(context), false)) {
          for (int callers : settings.cacheCallers()) {
            try (DblinkCalls calls = new DblinkCalls(context.callerSide(), callers)) {
              int warmUpCalls = settings.cacheCallsPerRound() * (callers == 1 ? 1 : 2);
              List<String> warmUp = ZipfTexts.texts("warm-up " + mode.key() + " " + callers,
                  ZipfTexts.forHitRatio(warmUpCalls, WARM_UP_HIT_RATIO).ranks(-1 - callers));
              for (Target target : set.targets()) {
                calls.define(target);
                calls.batch(target, Collections.nCopies(2 * callers, "warm-up")); // warm pools, one entry cached
                // Hits and misses both, unmeasured, so that the first compared hit ratio does not also
                // measure the JIT compiling the cache's paths that later ones find compiled.
                calls.batch(target, warmUp);
                calls.logins(target, DblinkCalls.LOGINS_PER_CALLER * callers);
              }
              for (int hitPercent : settings.cacheHitPercents()) {
                int n = settings.cacheCallsPerRound() * (callers == 1 ? 1 : 2);
                ZipfTexts workload = ZipfTexts.forHitRatio(n, hitPercent / 100.0);
                int index = comparisonIndex++;
                Comparison comparison = Rounds.compareByRound(String.format(Locale.ROOT,
                        "cached embed, %d%% hit ratio, %d %s, %s", hitPercent, callers,
                        callers == 1 ? "caller" : "callers", PgbenchRuns.modeLabel(mode)), "calls/s", set,
                    set.targets(), settings.cacheRounds(),
                    (target, round) -> measure(calls, target, workload, index, round, counter));
                section.text(table(comparison, workload));
                context.figures().put(Figures.cache(hitPercent, callers, mode.key()), comparison);
              }
            } catch (SQLException e) {
              section.text("cache scenario, " + callers + " callers, " + mode.key() + " mode failed: " + e.getMessage());
            }
          }
          section.text(showCache(set, mode));
        }
      }
    } finally {
      counter.ifPresent(UpstreamCalls::close);
    }
  }

  /** PgBouncer, each pgml-proxy jar without its cache (the run's current one), and each with it. */
  private static List<Pooler> poolers(BenchContext context) {
    List<Pooler> chosen = new ArrayList<>();
    List<Pooler> cached = new ArrayList<>();
    for (Pooler pooler : context.poolers()) {
      if (pooler instanceof PgmlProxy proxy) {
        if (PgmlProxy.NAME.equals(proxy.name())) {
          chosen.add(proxy);
        }
        cached.add(proxy.withCache());
      } else {
        chosen.add(pooler);
      }
    }
    chosen.addAll(cached);
    return chosen;
  }

  private static Measurement measure(DblinkCalls calls, Target target, ZipfTexts workload, int comparison, int round,
      Optional<UpstreamCalls> counter) {
    List<Integer> ranks = workload.ranks(1000L * comparison + round);
    List<String> texts = ZipfTexts.texts("c" + comparison + " r" + round, ranks);
    boolean cached = target.name().endsWith(PgmlProxy.CACHE_SUFFIX);
    Optional<AdminConsole.CacheTotals> shownBefore = cached ? AdminConsole.cacheTotals(target) : Optional.empty();
    OptionalLong before = counter.map(UpstreamCalls::count).orElse(OptionalLong.empty());
    DblinkCalls.Batch batch = calls.batch(target, texts);
    OptionalLong after = counter.map(UpstreamCalls::count).orElse(OptionalLong.empty());
    Optional<AdminConsole.CacheTotals> shownAfter = cached ? AdminConsole.cacheTotals(target) : Optional.empty();
    if (batch.error().isPresent()) {
      return Measurement.failed(batch.error().get());
    }
    Map<String, Double> extras = new LinkedHashMap<>();
    extras.put(SEQUENCE, ZipfTexts.hitRatioOf(ranks));
    if (before.isPresent() && after.isPresent()) {
      extras.put(MEASURED, 1 - (double) (after.getAsLong() - before.getAsLong()) / texts.size());
    }
    if (shownBefore.isPresent() && shownAfter.isPresent()) {
      // A coalesced call waited for another's flight: answered without reaching the upstream, as a hit.
      long answered = shownAfter.get().hits() - shownBefore.get().hits()
          + shownAfter.get().coalesced() - shownBefore.get().coalesced();
      extras.put(REPORTED, (double) answered / texts.size());
    }
    Optional<String> loginFailed = calls.addLogins(target, extras);
    if (loginFailed.isPresent()) {
      return Measurement.failed(loginFailed.get());
    }
    boolean[] repeats = ZipfTexts.repeats(ranks);
    List<Double> repeated = new ArrayList<>();
    List<Double> first = new ArrayList<>();
    for (int i = 0; i < repeats.length; i++) {
      (repeats[i] ? repeated : first).add(batch.millis()[i]);
    }
    if (!repeated.isEmpty()) {
      extras.put(REPEATS, Percentiles.of(repeated).p50());
      putSplit(extras, calls, repeats, batch.millis(), REPEATS_AFTER_REPEAT, REPEATS_AFTER_FIRST);
      // Fresh texts under a prefix of their own: each first text's place misses again.
      List<String> fresh = ZipfTexts.texts("c" + comparison + " r" + round + " reference", ranks);
      List<Optional<String>> sequence = new ArrayList<>();
      for (int i = 0; i < repeats.length; i++) {
        sequence.add(repeats[i] ? Optional.empty() : Optional.of(fresh.get(i)));
      }
      DblinkCalls.Batch reference = calls.callsAndLogins(target, sequence);
      if (reference.error().isPresent()) {
        return Measurement.failed(reference.error().get());
      }
      List<Double> inPlace = new ArrayList<>();
      for (int i = 0; i < repeats.length; i++) {
        if (repeats[i]) {
          inPlace.add(reference.millis()[i]);
        }
      }
      extras.put(LOGIN_IN_PLACE, Percentiles.of(inPlace).p50());
      putSplit(extras, calls, repeats, reference.millis(), LOGIN_AFTER_REPEAT, LOGIN_AFTER_FIRST);
    }
    extras.put(FIRSTS, Percentiles.of(first).p50());
    return Measurement.timed(batch.all(), batch.wallSeconds(), extras);
  }

  /**
   * With 1 caller (who makes the calls in the list's order, so each one's predecessor is its own):
   * the medians of the repeated texts' places right after another repeated one and right after a
   * first text's call, which waited a round trip for the upstream.
   */
  private static void putSplit(Map<String, Double> extras, DblinkCalls calls, boolean[] repeats, double[] millis,
      String afterRepeat, String afterFirst) {
    if (calls.callers() != 1) {
      return;
    }
    List<Double> afterRepeats = new ArrayList<>();
    List<Double> afterFirsts = new ArrayList<>();
    for (int i = 1; i < repeats.length; i++) {
      if (repeats[i]) {
        (repeats[i - 1] ? afterRepeats : afterFirsts).add(millis[i]);
      }
    }
    if (!afterRepeats.isEmpty()) {
      extras.put(afterRepeat, Percentiles.of(afterRepeats).p50());
    }
    if (!afterFirsts.isEmpty()) {
      extras.put(afterFirst, Percentiles.of(afterFirsts).p50());
    }
  }

  static String table(Comparison comparison, ZipfTexts workload) {
    StringBuilder out = new StringBuilder();
    out.append("**").append(comparison.label()).append("**: ").append(workload.textSetSize()).append(" texts, ")
        .append(String.format(Locale.ROOT, "Zipf exponent %.3f, expected hit ratio %.1f%%",
            workload.exponent(), 100 * workload.expectedHitRatio()))
        .append(", the rounds' own sequences ")
        .append(percent(comparison.extra(comparison.targets().isEmpty() ? "" : comparison.targets().get(0),
            SEQUENCE))).append("\n\n");
    out.append("| target | calls/s median (min–max) | per call p50 ms | p99 ms | repeated texts p50 ms"
        + " | after a repeated | after a first | first texts p50 ms | dblink login p50 ms (back to back)"
        + " | login in the repeats' places p50 ms | after a repeated | after a first | measured hit ratio | SHOW CACHE's | calls/s × PgBouncer | calls/s × pgml-proxy"
        + " | note |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (String target : comparison.targets()) {
      Percentiles all = comparison.percentiles(target);
      out.append("| ").append(target)
          .append(" | ").append(comparison.rate(target).format(1))
          .append(" | ").append(comparison.latency(target).format(2))
          .append(" | ").append(all.format(all.p99(), 2))
          .append(" | ").append(comparison.extra(target, REPEATS).format(2))
          .append(" | ").append(comparison.extra(target, REPEATS_AFTER_REPEAT).format(2))
          .append(" | ").append(comparison.extra(target, REPEATS_AFTER_FIRST).format(2))
          .append(" | ").append(comparison.extra(target, FIRSTS).format(2))
          .append(" | ").append(comparison.extra(target, DblinkCalls.LOGIN_P50).format(2))
          .append(" | ").append(comparison.extra(target, LOGIN_IN_PLACE).format(2))
          .append(" | ").append(comparison.extra(target, LOGIN_AFTER_REPEAT).format(2))
          .append(" | ").append(comparison.extra(target, LOGIN_AFTER_FIRST).format(2))
          .append(" | ").append(percent(comparison.extra(target, MEASURED)))
          .append(" | ").append(percent(comparison.extra(target, REPORTED)))
          .append(" | ").append(ratio(comparison, target, PgBouncer.NAME))
          .append(" | ").append(ratio(comparison, target, PgmlProxy.NAME))
          .append(" | ").append(comparison.failure(target).orElse("").replace("|", "\\|"))
          .append(" |\n");
    }
    comparison.skipped().forEach((target, reason) -> out.append("| ").append(target)
        .append(" | skipped | | | | | | | | | | | | | | | ").append(reason.replace("|", "\\|")).append(" |\n"));
    return out.toString();
  }

  private static String ratio(Comparison comparison, String target, String baseline) {
    if (target.equals(baseline)) {
      return comparison.rate(target).isEmpty() ? "–" : "1";
    }
    return comparison.ratio(target, baseline).formatRatio();
  }

  static String percent(Stats stats) {
    if (stats.isEmpty()) {
      return "–";
    }
    String median = String.format(Locale.ROOT, "%.1f%%", 100 * stats.median());
    return stats.count() == 1 ? median
        : median + String.format(Locale.ROOT, " (%.1f–%.1f)", 100 * stats.min(), 100 * stats.max());
  }

  /** The proxies' own account ({@code SHOW CACHE} in the admin console) after the mode's comparisons. */
  private static String showCache(TargetSet set, PoolMode mode) {
    StringBuilder out = new StringBuilder();
    for (Target target : set.targets()) {
      if (target.name().endsWith(PgmlProxy.CACHE_SUFFIX)) {
        out.append("`SHOW CACHE` of ").append(target.name()).append(" after the ").append(mode.key())
            .append("-mode rounds:\n\n```\n").append(AdminConsole.show(target, "SHOW CACHE")).append("\n```\n\n");
      }
    }
    return out.toString().strip();
  }
}
