package org.postgresml.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.PoolerSettings;

/**
 * How long and how often each scenario runs. The full run follows the benchmark issue (5 rounds
 * of 10 s, 200 dblink calls, 10,000 idle connections, 1 GB COPY); {@code --quick} is a smoke
 * check that finishes in under three minutes and says so in its results. The operator scale runs
 * 100 and 500 PgmlProxies, the quick run 50.
 */
public record BenchSettings(
    boolean quick,
    int rounds,
    Duration runTime,
    Duration warmUp,
    List<Integer> selectOnlyClients,
    int cpuClients,
    int cpuTransactionsPerClient,
    List<Duration> connectRoundTrips,
    List<Duration> dblinkRoundTrips,
    int dblinkCalls,
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

  public static BenchSettings full(Path proxyJar, Path resultsDir, Path workDir, Set<String> only) {
    return new BenchSettings(false, 5, Duration.ofSeconds(10), Duration.ofSeconds(5), List.of(1, 16, 64, 256), 16, 5000,
        List.of(Duration.ZERO, Duration.ofMillis(10), Duration.ofMillis(50)),
        List.of(Duration.ofMillis(10), Duration.ofMillis(50)),
        200, 10_000, 1L << 30, List.of(100, 500), 16, 20, 300, 0, proxyJar, resultsDir, workDir, only);
  }

  public static BenchSettings quick(Path proxyJar, Path resultsDir, Path workDir, Set<String> only) {
    // One round: a smoke check that every scenario runs against every target, not a comparison.
    return new BenchSettings(true, 1, Duration.ofSeconds(1), Duration.ofSeconds(1), List.of(16), 16, 300,
        List.of(Duration.ofMillis(10)), List.of(Duration.ofMillis(10)),
        6, 300, 100L << 20, List.of(50), 4, 20, 300, 0, proxyJar, resultsDir, workDir, only);
  }

  /** The pool size a mode gets: session mode must seat every client (as direct does), transaction mode shares. */
  public PoolerSettings poolerSettings(PoolMode mode) {
    int size = mode == PoolMode.SESSION ? sessionPoolSize : transactionPoolSize;
    return new PoolerSettings(mode, size, minPoolSize, 1000);
  }

  /** Whether a scenario (by its id) is part of this run. */
  public boolean includes(String scenarioId) {
    return only.isEmpty() || only.contains(scenarioId);
  }

  /** A pgbench run may take this long before it is killed: its -T plus connecting hundreds of clients. */
  public Duration pgbenchLimit() {
    return runTime.plusSeconds(90);
  }

  public String describe() {
    return (quick ? "quick (smoke check: too short for conclusions)" : "full") + ": " + rounds + " rounds of "
        + runTime.toSeconds() + " s per configuration after a " + warmUp.toSeconds() + " s warm-up,"
        + " targets alternated round by round (rotated start), "
        + "pgbench scale " + pgbenchScale + ", select-only clients " + selectOnlyClients + ", connect-per-call RTTs "
        + connectRoundTrips.stream().map(d -> d.toMillis() + " ms").toList() + ", " + dblinkCalls + " dblink calls per"
        + " target and configuration, " + idleConnections + " idle connections, COPY of " + (copyBytes >> 20) + " MiB,"
        + " operator scale " + operatorScales + " PgmlProxies";
  }
}
