package org.postgresml.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.postgresml.bench.BenchContext;
import org.postgresml.bench.operator.ApiTraffic;
import org.postgresml.bench.operator.ClusterSide;
import org.postgresml.bench.operator.FleetCensus;
import org.postgresml.bench.operator.MockApiServer;
import org.postgresml.bench.operator.OperatorRun;
import org.postgresml.bench.operator.ScaleFleet;
import org.postgresml.bench.operator.Tally;
import org.postgresml.bench.report.Section;
import org.postgresml.bench.run.JvmMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario 7: N PgmlProxies created at once on the Fabric8 mock API server (CRUD mode), reconciled
 * by the real operator running in this JVM. Measures the time until every resource has all its
 * dependents and a status, the operator's API requests per resource (counted at the mock server),
 * the requests and writes of a no-op resync (after a restart, and on the resync timer), and the
 * heap the operator retains.
 */
public final class OperatorScale implements Scenario {

  private static final Logger LOG = LoggerFactory.getLogger(OperatorScale.class);
  private static final String NAMESPACE = "scale";
  /** Short, so the time to steady is known to about this much; one list of the PgmlProxies per poll. */
  private static final Duration POLL = Duration.ofMillis(100);
  /** No request for this long: the operator has finished reacting (its own writes cause events). */
  private static final Duration QUIET = Duration.ofSeconds(2);
  /** The operator process's default: no timer resync interferes while the fleet is created. */
  private static final Duration CREATE_RESYNC = Duration.ofMinutes(10);
  /**
   * After the restart, a short resync timer, to measure a timer-driven resync of every resource;
   * long enough that the restart's own reconciliations are over before it first fires.
   */
  private static final Duration TIMER_RESYNC = Duration.ofSeconds(15);
  private static final int TARGET_RESOURCES = 500;
  private static final Duration TARGET_STEADY = Duration.ofSeconds(30);

  /** The figures of one N. {@code steady} and {@code ready} are empty when the limit was reached. */
  private record Result(int n, Duration created, Optional<Duration> steady, FleetCensus.Count atLimit,
      Optional<Duration> ready, Tally start, Tally create, Tally rollout, Tally restart, long restartReconciles,
      Tally timer, long timerReconciles, long reconciles, long failures, int threads, int benchRequests,
      JvmMemory before, JvmMemory atSteady, JvmMemory stopped) {}

  @Override
  public String id() {
    return "operator";
  }

  @Override
  public void run(BenchContext context) {
    Section section = context.report().section(
        "7. Operator scale (" + join(context.settings().operatorScales())
            + " PgmlProxy resources on the Fabric8 mock server)");
    List<Result> results = new ArrayList<>();
    for (int n : context.settings().operatorScales()) {
      try {
        LOG.info("operator scale: {} PgmlProxies", n);
        results.add(measure(n));
      } catch (RuntimeException e) {
        LOG.error("operator scale with {} resources failed: {}", n, e.toString());
        section.text("N = " + n + " failed: `" + e + "`");
      }
    }
    section.text(method());
    if (!results.isEmpty()) {
      section.text(steadyTable(results)).text(requestTable(results)).text(memoryTable(results));
      section.text(verdict(results));
    }
  }

  private static Result measure(int n) {
    ScaleFleet fleet = new ScaleFleet(NAMESPACE, n);
    Duration limit = Duration.ofSeconds(Math.max(60, n * 6L / 10));
    try (MockApiServer api = MockApiServer.start(NAMESPACE);
         ClusterSide cluster = new ClusterSide(api.benchClient(), fleet)) {
      ApiTraffic traffic = new ApiTraffic(api.server());
      traffic.drain(new Tally()); // the CRD and the namespace: set-up, not the operator
      JvmMemory before = JvmMemory.sample();
      Tally start = new Tally();
      Tally create = new Tally();
      Tally rollout = new Tally();
      Duration created;
      Optional<Duration> steady;
      Optional<Duration> ready;
      FleetCensus.Count[] last = new FleetCensus.Count[1];
      JvmMemory atSteady;
      long reconciles;
      long failures;
      int threads;
      try (OperatorRun operator = OperatorRun.start(api.operatorClient(), CREATE_RESYNC)) {
        traffic.drainUntilQuiet(start, QUIET, limit);
        cluster.createSecrets();
        long t0 = System.nanoTime();
        cluster.createProxies();
        created = since(t0);
        steady = poll(cluster, traffic, create, t0, limit, c -> c.complete() == n, last);
        traffic.drainUntilQuiet(create, QUIET, limit);

        // What a cluster's Deployment controller does next: then every status should turn Ready=True.
        long t1 = System.nanoTime();
        cluster.rollOutDeployments();
        ready = steady.isEmpty() ? Optional.empty()
            : poll(cluster, traffic, rollout, t1, limit, c -> c.ready() == n, new FleetCensus.Count[1]);
        traffic.drainUntilQuiet(rollout, QUIET, limit);
        atSteady = JvmMemory.sample();
        reconciles = operator.reconciliations();
        failures = operator.failures();
        threads = operator.reconcileThreads();
      }
      traffic.drainUntilQuiet(new Tally(), QUIET, limit);
      // The stopped operator is unreachable now, so this collection takes its informer caches.
      JvmMemory stopped = JvmMemory.sample();

      // No-op resync 1: a restart. The new operator lists everything and reconciles every resource.
      Tally restart = new Tally();
      Tally timer = new Tally();
      long restartReconciles;
      long timerReconciles;
      try (OperatorRun restarted = OperatorRun.start(api.operatorClient(), TIMER_RESYNC)) {
        awaitReconciles(restarted::reconciliations, n, traffic, restart, limit);
        traffic.drainUntilQuiet(restart, QUIET, limit);
        restartReconciles = restarted.reconciliations();
        // No-op resync 2: the resync timer fires for every resource, nothing changed in between.
        awaitReconciles(restarted::reconciliations, restartReconciles + n, traffic, timer, limit);
        timerReconciles = restarted.reconciliations() - restartReconciles;
        traffic.drain(timer);
        failures += restarted.failures();
      }
      return new Result(n, created, steady, last[0], ready, start, create, rollout, restart, restartReconciles,
          timer, timerReconciles, reconciles, failures, threads, traffic.benchRequests(), before, atSteady, stopped);
    }
  }

  /**
   * Polls the census every {@link #POLL} until {@code done}, counting the operator's requests
   * meanwhile; {@code last[0]} gets the last census (how far it got if the limit was reached).
   */
  private static Optional<Duration> poll(ClusterSide cluster, ApiTraffic traffic, Tally into, long since,
      Duration limit, Predicate<FleetCensus.Count> done, FleetCensus.Count[] last) {
    while (true) {
      FleetCensus.Count count = cluster.census();
      Duration elapsed = since(since);
      traffic.drain(into);
      last[0] = count;
      if (done.test(count)) {
        return Optional.of(elapsed);
      }
      if (elapsed.compareTo(limit) > 0) {
        LOG.warn("operator scale: not done after {} s: {}", limit.toSeconds(), count);
        return Optional.empty();
      }
      sleep(POLL);
    }
  }

  private static void awaitReconciles(LongSupplier reconciles, long atLeast, ApiTraffic traffic, Tally into,
      Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (reconciles.getAsLong() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("only " + reconciles.getAsLong() + " of " + atLeast
            + " reconciliations within " + limit.toSeconds() + " s");
      }
      traffic.drain(into);
      sleep(POLL);
    }
  }

  private static String method() {
    return "The real operator (`PgmlProxyOperator`, as the operator process builds it) runs in the benchmark's JVM"
        + " against the Fabric8 mock API server in CRUD mode, started fresh for each N, with server-side apply off"
        + " (`PgmlProxyOperator.withoutServerSideApply`, the switch the operator's ITs use: the mock lacks SSA), so"
        + " writes are JOSDK's classic create/update after its generic matcher; production uses SSA. Each PgmlProxy"
        + " (defaults of the minimal example: 2 replicas, generated client password, PDB) references its own"
        + " upstream-URL Secret, created first; then all N PgmlProxies are created at once (8 parallel writers)."
        + " *Steady* = every resource has a status for its current generation with a Ready condition and all 7"
        + " dependents exist (3 Secrets, Deployment, Service, peers Service, PDB), polled every "
        + POLL.toMillis() + " ms from the first create. The mock has no Deployment controller, so Ready is False"
        + " (RollingOut) at that point; the benchmark then plays the controller (every Deployment's status: all"
        + " replicas ready) and times Ready=True. API requests are counted at the mock server (its record of every"
        + " request, as the operator's NoOpResyncIT counts them), the benchmark's own requests (its own"
        + " User-Agent: creates, polls, Deployment statuses) left out; watches are the informers' long-lived GETs."
        + " Each phase ends when no request came for " + QUIET.toSeconds() + " s. No-op resync, triggered twice:"
        + " (1) a restart: the operator is stopped and a new one started on the same API server (it lists every"
        + " kind and reconciles each resource once); (2) the new operator's resync timer (set to "
        + TIMER_RESYNC.toSeconds() + " s for this; the process default is " + CREATE_RESYNC.toMinutes() + " min)"
        + " firing for every resource. Memory: heap in use after `System.gc()` (retained objects only), sampled"
        + " before the operator starts, at Ready, and after the operator stopped; the operator's share is at Ready"
        + " minus stopped (the mock server keeps the same objects throughout; a stopped operator's informer caches"
        + " can be collected). RSS is the whole benchmark JVM's (`VmRSS` of /proc/self/status: mock server,"
        + " operator, clients and whatever earlier scenarios left), an upper bound, not the operator's own.";
  }

  private static String steadyTable(List<Result> results) {
    StringBuilder table = new StringBuilder("| PgmlProxies | created in | steady after (dependents + status) |"
        + " Ready=True after Deployments rolled out | reconciliations (failed) | JOSDK reconcile threads |\n"
        + "|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      table.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %d (%d) | %d |%n", r.n(), seconds(r.created()),
          r.steady().map(OperatorScale::seconds).orElse("not within limit: " + describe(r.atLimit())),
          r.ready().map(OperatorScale::seconds).orElse("not within limit"), r.reconciles(), r.failures(),
          r.threads()));
    }
    return table.toString();
  }

  private static String requestTable(List<Result> results) {
    StringBuilder table = new StringBuilder("Operator API requests by phase (reads are GET and LIST, watches the"
        + " informers' watch requests):\n\n| PgmlProxies | phase | reconciliations | reads | watches | writes |"
        + " requests per resource | writes per resource, by kind |\n|---:|---|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      row(table, r.n(), "operator start (empty cluster)", "–", r.start(), r.n());
      row(table, r.n(), "create → steady", "–", r.create(), r.n());
      row(table, r.n(), "Deployments rolled out → Ready", "–", r.rollout(), r.n());
      row(table, r.n(), "**no-op resync 1: restart**", Long.toString(r.restartReconciles()), r.restart(), r.n());
      row(table, r.n(), "**no-op resync 2: resync timer**", Long.toString(r.timerReconciles()), r.timer(), r.n());
    }
    int bench = results.stream().mapToInt(Result::benchRequests).sum();
    return table.append("\nLeft out: ").append(bench).append(" requests of the benchmark itself.\n").toString();
  }

  private static void row(StringBuilder table, int n, String phase, String reconciles, Tally tally, int per) {
    table.append(String.format(Locale.ROOT, "| %d | %s | %s | %d | %d | %d | %.2f | %s |%n", n, phase, reconciles,
        tally.reads(), tally.watches(), tally.writes(), tally.requests() / (double) per, tally.writesPer(per)));
  }

  private static String memoryTable(List<Result> results) {
    StringBuilder table = new StringBuilder("| PgmlProxies | heap after GC: before operator | at Ready |"
        + " operator stopped | operator's share (Ready − stopped) | per resource | RSS of the JVM at Ready |\n"
        + "|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Result r : results) {
      double share = r.atSteady().heapMib() - r.stopped().heapMib();
      table.append(String.format(Locale.ROOT, "| %d | %.1f MiB | %.1f MiB | %.1f MiB | %.1f MiB | %.1f KiB |"
              + " %.0f MiB (upper bound) |%n", r.n(), r.before().heapMib(), r.atSteady().heapMib(),
          r.stopped().heapMib(), share, share * 1024 / r.n(), r.atSteady().rssMib()));
    }
    return table.toString();
  }

  private static String verdict(List<Result> results) {
    StringBuilder text = new StringBuilder("Targets (reported, not asserted): ");
    Optional<Result> target = results.stream().filter(r -> r.n() == TARGET_RESOURCES).findFirst();
    text.append(target.map(r -> TARGET_RESOURCES + " resources steady within " + TARGET_STEADY.toSeconds() + " s: "
        + r.steady().map(d -> (d.compareTo(TARGET_STEADY) <= 0 ? "**met** (" : "**missed** (") + seconds(d) + ")")
            .orElse("**missed** (not steady within the limit)"))
        .orElse(TARGET_RESOURCES + " resources steady within " + TARGET_STEADY.toSeconds() + " s: not measured in"
            + " this run"));
    int resyncWrites = results.stream().mapToInt(r -> r.restart().writes() + r.timer().writes()).sum();
    text.append("; 0 writes per no-op resync: ").append(resyncWrites == 0 ? "**met**" : "**missed** ("
        + resyncWrites + " writes)").append('.');
    return text.toString();
  }

  private static String describe(FleetCensus.Count count) {
    return count == null ? "no census" : count.withStatus() + " with status, " + count.complete() + " complete of "
        + count.total();
  }

  private static String seconds(Duration duration) {
    return String.format(Locale.ROOT, "%.2f s", duration.toNanos() / 1e9);
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }

  private static String join(List<Integer> values) {
    List<String> text = values.stream().map(String::valueOf).toList();
    return text.size() < 2 ? String.join("", text)
        : String.join(", ", text.subList(0, text.size() - 1)) + " and " + text.get(text.size() - 1);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
