package org.postgresml.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.PoolerSettings;

/**
 * How long and how often each scenario runs, and which scenarios run. The full run follows the
 * benchmark issue (5 rounds of 10 s, 200 dblink calls, 10,000 idle connections, 1 GB COPY); a
 * profile ({@code --profile issue17}, {@code issue18}) is a named selection sized to fit a budget
 * (see {@link Profile}); {@code --quick} is a smoke check of either that says so in its results.
 */
public record BenchSettings(
    boolean quick,
    String runName,
    Set<String> scenarios,
    int rounds,
    Duration runTime,
    Duration warmUp,
    List<Integer> selectOnlyClients,
    int selectRounds,
    int clientsPerExtraSecond,
    int cpuClients,
    int cpuTransactionsPerClient,
    int loginsPerRound,
    List<Duration> connectRoundTrips,
    List<Duration> dblinkRoundTrips,
    List<Integer> dblinkCallers,
    int dblinkCallsPerRound,
    Duration cacheRoundTrip,
    List<Integer> cacheHitPercents,
    List<Integer> cacheCallers,
    int cacheCallsPerRound,
    int cacheRounds,
    int idleConnections,
    long copyBytes,
    List<Integer> operatorScales,
    int pgbenchScale,
    int transactionPoolSize,
    int sessionPoolSize,
    int minPoolSize,
    Path proxyJar,
    Path resultsDir,
    Path workDir,
    Set<String> only) {

  /** Every scenario id, in the order they run. */
  public static final List<String> ALL_SCENARIOS = List.of("relay", "cpu", "login", "connect", "dblink", "cache",
      "select", "tpcb", "prepared", "idle", "copy", "operator");

  private static final List<Duration> ONE_RTT_10 = List.of(Duration.ofMillis(10));
  private static final List<Duration> ONE_RTT_20 = List.of(Duration.ofMillis(20));

  public static BenchSettings full(Path proxyJar, Path resultsDir, Path workDir, Set<String> only) {
    return new BenchSettings(false, "full", Set.copyOf(ALL_SCENARIOS), 5, Duration.ofSeconds(10),
        Duration.ofSeconds(5), List.of(1, 16, 64, 256), 5, 16, 16, 5000, 300,
        List.of(Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(50)),
        List.of(Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(50)), List.of(1, 8), 40,
        Duration.ofMillis(20), List.of(0, 50, 90), List.of(1, 8), 100, 3,
        10_000, 1L << 30, List.of(100, 500), 16, 20, 300, 0, proxyJar, resultsDir, workDir, only);
  }

  public static BenchSettings quick(Path proxyJar, Path resultsDir, Path workDir, Set<String> only) {
    // One round: a smoke check that every scenario runs against every target, not a comparison.
    return new BenchSettings(true, "quick", Set.copyOf(ALL_SCENARIOS), 1, Duration.ofSeconds(1),
        Duration.ofSeconds(1), List.of(16), 1, 16, 16, 300, 20, ONE_RTT_10, ONE_RTT_10, List.of(1, 8), 6,
        ONE_RTT_20.get(0), List.of(0, 90), List.of(1, 8), 20, 1,
        300, 100L << 20, List.of(50), 4, 20, 300, 0, proxyJar, resultsDir, workDir, only);
  }

  /**
   * The named selections: {@code issue17} (CPU per transaction, select-only at 1/16/64/256 clients,
   * login latency, dblink across 20 ms with 1 and 8 callers, connect-per-call across 10 ms, RSS per
   * idle connection with 3,000 of them, a 1 GB COPY; about 25 minutes on 2 cores with four targets) and {@code issue18} (the cache scenario, with the login
   * latency it is compared with). Several profiles run together in one run.
   */
  public static BenchSettings profiles(Set<String> names, boolean quick, Path proxyJar, Path resultsDir,
      Path workDir, Set<String> only) {
    Set<String> scenarios = new LinkedHashSet<>();
    for (String name : names) {
      scenarios.addAll(Profile.of(name).scenarios());
    }
    String runName = String.join("+", names) + (quick ? " quick" : "");
    if (quick) {
      return new BenchSettings(true, runName, Set.copyOf(scenarios), 1, Duration.ofSeconds(1), Duration.ofSeconds(1),
          List.of(1, 16, 64, 256), 1, 8, 16, 300, 20, ONE_RTT_10, ONE_RTT_20, List.of(1, 8), 6,
          ONE_RTT_20.get(0), List.of(0, 50, 90), List.of(1, 8), 20, 1,
          300, 100L << 20, List.of(50), 4, 20, 300, 0, proxyJar, resultsDir, workDir, only);
    }
    // Sized so that four targets (direct, PgBouncer, pgml-proxy before and after) fit in about 25
    // minutes for issue17 (estimated 22–23 on a quiet machine: select-only 12, connect-per-call 3.6,
    // CPU 1.5, dblink 1.5, logins 1, starts, warm-ups and stops 2.5): the steady figures (CPU, logins,
    // connect-per-call, dblink) get 5 rounds, the noisy saturated select-only 3 at each client count.
    return new BenchSettings(false, runName, Set.copyOf(scenarios), 5, Duration.ofSeconds(5), Duration.ofSeconds(3),
        List.of(1, 16, 64, 256), 3, 32, 16, 3000, 300, ONE_RTT_10, ONE_RTT_20, List.of(1, 8), 30,
        ONE_RTT_20.get(0), List.of(0, 50, 90), List.of(1, 8), 100, 3,
        10_000, 1L << 30, List.of(100, 500), 16, 20, 300, 0, proxyJar, resultsDir, workDir, only);
  }

  /**
   * The cache scenario with only these hit ratios and caller counts ({@code --cache-hit-percents},
   * {@code --cache-callers}); an empty list keeps the run's own.
   */
  public BenchSettings withCache(List<Integer> hitPercents, List<Integer> callers) {
    return new BenchSettings(quick, runName, scenarios, rounds, runTime, warmUp, selectOnlyClients, selectRounds,
        clientsPerExtraSecond, cpuClients, cpuTransactionsPerClient, loginsPerRound, connectRoundTrips,
        dblinkRoundTrips, dblinkCallers, dblinkCallsPerRound, cacheRoundTrip,
        hitPercents.isEmpty() ? cacheHitPercents : List.copyOf(hitPercents), callers.isEmpty() ? cacheCallers
        : List.copyOf(callers), cacheCallsPerRound, cacheRounds, idleConnections, copyBytes, operatorScales,
        pgbenchScale, transactionPoolSize, sessionPoolSize, minPoolSize, proxyJar, resultsDir, workDir, only);
  }

  /** The pool size a mode gets: session mode must seat every client (as direct does), transaction mode shares. */
  public PoolerSettings poolerSettings(PoolMode mode) {
    int size = mode == PoolMode.SESSION ? sessionPoolSize : transactionPoolSize;
    return new PoolerSettings(mode, size, minPoolSize, 1000);
  }

  /** Whether a scenario (by its id) is part of this run: {@code --only} narrows the profile's selection. */
  public boolean includes(String scenarioId) {
    return scenarios.contains(scenarioId) && (only.isEmpty() || only.contains(scenarioId));
  }

  /** A pgbench run may take this long before it is killed: its -T plus connecting hundreds of clients. */
  public Duration pgbenchLimit() {
    return runTime.plusSeconds(90);
  }

  /** dblink calls per round for a number of concurrent callers (each of 8 callers makes a few). */
  public int dblinkCalls(int callers) {
    return callers == 1 ? dblinkCallsPerRound : dblinkCallsPerRound * callers / 2;
  }

  public String describe() {
    return runName + (quick ? " (smoke check: too short for conclusions)" : "") + ": scenarios "
        + ALL_SCENARIOS.stream().filter(this::includes).toList() + "; " + rounds + " rounds of "
        + runTime.toSeconds() + " s per configuration after a " + warmUp.toSeconds() + " s warm-up (select-only "
        + selectRounds + " rounds), targets alternated round by round (rotated start), pgbench scale "
        + pgbenchScale + ", select-only clients " + selectOnlyClients + ", CPU " + cpuClients + " clients × "
        + cpuTransactionsPerClient + " transactions, " + loginsPerRound + " sequential logins per round,"
        + " connect-per-call RTTs " + millis(connectRoundTrips) + ", dblink RTTs " + millis(dblinkRoundTrips)
        + " with " + dblinkCallers + " callers, " + dblinkCallsPerRound + " calls per round (1 caller), cache "
        + cacheRoundTrip.toMillis() + " ms RTT, hit ratios " + cacheHitPercents + "% with " + cacheCallers
        + " callers, " + cacheCallsPerRound + " calls per round × " + cacheRounds + " rounds, " + idleConnections
        + " idle connections, COPY of " + (copyBytes >> 20) + " MiB, operator scale " + operatorScales
        + " PgmlProxies";
  }

  private static List<String> millis(List<Duration> durations) {
    return durations.stream().map(d -> d.toMillis() + " ms").toList();
  }
}
