package org.postgresml.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.testing.net.DelayRelay;
import org.postgresml.bench.report.Report;
import org.postgresml.bench.target.PoolMode;
import org.postgresml.bench.target.Pooler;
import org.postgresml.bench.target.PoolerSettings;
import org.postgresml.bench.target.Target;
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
  private final Map<String, TargetSet> running = new LinkedHashMap<>();

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

  public List<Pooler> poolers() {
    return poolers;
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
   * Direct PostgreSQL and every available pooler, in front of PostgreSQL across {@code roundTrip}.
   * Poolers are started once per settings and round-trip time and shared by the scenarios.
   */
  public synchronized TargetSet targets(PoolerSettings poolerSettings, Duration roundTrip) {
    String key = poolerSettings + "@" + roundTrip;
    TargetSet known = running.get(key);
    if (known != null && known.poolers().stream().allMatch(Target::isRunning)) {
      return known;
    }
    if (known != null) {
      known.poolers().forEach(Target::close);
    }
    Endpoint across = upstreamAcross(roundTrip);
    Map<String, String> skipped = new LinkedHashMap<>();
    List<Target> targets = new ArrayList<>();
    targets.add(Target.direct(across));
    targets.addAll(startPoolers(poolerSettings, across, skipped));
    TargetSet started = new TargetSet(targets, skipped);
    running.put(key, started);
    return started;
  }

  private List<Target> startPoolers(PoolerSettings poolerSettings, Endpoint across, Map<String, String> skipped) {
    List<Target> started = new ArrayList<>();
    for (Pooler pooler : poolers) {
      Optional<String> unavailable = pooler.unavailableReason();
      if (unavailable.isPresent()) {
        skipped.put(pooler.name(), unavailable.get());
        continue;
      }
      try {
        started.add(pooler.start(poolerSettings, across, settings.workDir()));
      } catch (RuntimeException e) {
        LOG.warn("{} did not start with {}: {}", pooler.name(), poolerSettings.describe(), e.getMessage());
        skipped.put(pooler.name(), "did not start (" + poolerSettings.mode().key() + " mode): " + e.getMessage());
      }
    }
    return started;
  }

  @Override
  public synchronized void close() {
    running.values().forEach(set -> set.poolers().forEach(Target::close));
    running.clear();
    relays.values().forEach(DelayRelay::close);
    relays.clear();
  }
}
