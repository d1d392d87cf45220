package org.postgresml.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.testing.net.DelayRelay;
import org.postgresml.bench.report.Figures;
import org.postgresml.bench.report.Report;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Pooler;
import org.postgresml.bench.target.PoolerSettings;
import org.postgresml.bench.target.Target;
import org.postgresml.testing.AuthMethod;
import org.postgresml.testing.PostgresCluster;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every scenario shares: the settings, the PostgreSQL under test, the delay relays in front
 * of it (one per round-trip time), the poolers, and the report being written.
 */
public final class BenchContext implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BenchContext.class);

  private final BenchSettings settings;
  private final Report report;
  private final PostgresCluster postgres;
  private final Endpoint upstream;
  private final List<Pooler> poolers;
  private final Map<Duration, DelayRelay> relays = new LinkedHashMap<>();
  private final Map<String, Target> running = new LinkedHashMap<>();
  private final Figures figures = new Figures();
  private PostgresCluster callerSide;
  private boolean standInInstalled;

  public BenchContext(BenchSettings settings, Report report, PostgresCluster postgres, Endpoint upstream,
      List<Pooler> poolers) {
    this.settings = settings;
    this.report = report;
    this.postgres = postgres;
    this.upstream = upstream;
    this.poolers = List.copyOf(poolers);
  }

  public BenchSettings settings() {
    return settings;
  }

  public Report report() {
    return report;
  }

  public PostgresCluster postgres() {
    return postgres;
  }

  /** PostgreSQL itself on loopback, as the benchmark user. */
  public Endpoint upstream() {
    return upstream;
  }

  /** The poolers every comparison measures: PgBouncer, pgml-proxy, and the baseline jar when given. */
  public List<Pooler> poolers() {
    return poolers;
  }

  /** Figures the scenarios leave for the summary (RTTs, login latencies, per-call times). */
  public Figures figures() {
    return figures;
  }

  /** PostgreSQL as seen across a link of the given round-trip time (itself for zero). */
  public synchronized Endpoint upstreamAcross(Duration roundTrip) {
    if (roundTrip.isZero()) {
      return upstream;
    }
    DelayRelay relay = relays.computeIfAbsent(roundTrip,
        rtt -> DelayRelay.start(upstream.host(), upstream.port(), rtt));
    return upstream.at(relay.host(), relay.port());
  }

  public PoolerSettings poolerSettings(PoolMode mode) {
    return settings.poolerSettings(mode);
  }

  /**
   * Direct PostgreSQL and every pooler of the run, in front of PostgreSQL across {@code roundTrip}.
   * Poolers are started once per settings and round-trip time and shared by the scenarios.
   */
  public TargetSet targets(PoolerSettings poolerSettings, Duration roundTrip) {
    return targets(poolerSettings, roundTrip, poolers, true);
  }

  /** As above, for the given poolers (say, the cache scenario's), with or without direct PostgreSQL. */
  public synchronized TargetSet targets(PoolerSettings poolerSettings, Duration roundTrip, List<Pooler> chosen,
      boolean withDirect) {
    Endpoint across = upstreamAcross(roundTrip);
    Map<String, String> skipped = new LinkedHashMap<>();
    List<Target> targets = new ArrayList<>();
    if (withDirect) {
      targets.add(Target.direct(across));
    }
    for (Pooler pooler : chosen) {
      running(pooler, poolerSettings, roundTrip, across, skipped).ifPresent(targets::add);
    }
    return new TargetSet(targets, skipped);
  }

  private Optional<Target> running(Pooler pooler, PoolerSettings poolerSettings, Duration roundTrip, Endpoint across,
      Map<String, String> skipped) {
    String key = pooler.name() + " " + poolerSettings + "@" + roundTrip;
    Target known = running.get(key);
    if (known != null && known.isRunning()) {
      return Optional.of(known);
    }
    if (known != null) {
      known.close();
      running.remove(key);
    }
    Optional<String> unavailable = pooler.unavailableReason();
    if (unavailable.isPresent()) {
      skipped.put(pooler.name(), unavailable.get());
      return Optional.empty();
    }
    try {
      Target started = pooler.start(poolerSettings, across, settings.workDir());
      running.put(key, started);
      return Optional.of(started);
    } catch (RuntimeException e) {
      LOG.warn("{} did not start with {}: {}", pooler.name(), poolerSettings.describe(), e.getMessage());
      skipped.put(pooler.name(), "did not start (" + poolerSettings.mode().key() + " mode): " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The dblink callers' PostgreSQL (the "RDS" side, SCRAM, with dblink and postgres_fdw), started on
   * first use and shared by the scenarios; the upstream gets the pgml stand-in at the same time.
   */
  public synchronized PostgresCluster callerSide() {
    if (!standInInstalled) {
      postgres.installPgmlStandIn(upstream.database());
      standInInstalled = true;
    }
    if (callerSide == null) {
      callerSide = PostgresCluster.builder().auth(AuthMethod.SCRAM_SHA_256).setting("max_connections", "200").start();
      callerSide.createExtensions("postgres", "dblink", "postgres_fdw");
    }
    return callerSide;
  }

  @Override
  public synchronized void close() {
    if (callerSide != null) {
      callerSide.close();
      callerSide = null;
    }
    // A pgml-proxy drains for its shutdown grace (5 s) before it exits: stop them all at once.
    List<Thread> stopping = new ArrayList<>();
    for (Target target : running.values()) {
      Thread thread = new Thread(target::close, "stop " + target.name());
      thread.start();
      stopping.add(thread);
    }
    for (Thread thread : stopping) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    running.clear();
    relays.values().forEach(DelayRelay::close);
    relays.clear();
  }
}
