package org.postgresml.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configuration (say select-only, 16 clients, transaction mode) measured on every target,
 * round by round. Ratios are taken within a round, then their median: targets measured side by
 * side share the machine's momentary load, which is what makes the ratio steadier than the rates.
 */
public final class Comparison {

  private final String label;
  private final String rateUnit;
  private final List<String> targets;
  private final Map<String, List<Measurement>> rounds = new LinkedHashMap<>();
  private final Map<String, String> skipped;

  public Comparison(String label, String rateUnit, List<String> targets, Map<String, String> skipped) {
    this.label = label;
    this.rateUnit = rateUnit;
    this.targets = List.copyOf(targets);
    this.skipped = new LinkedHashMap<>(skipped);
    targets.forEach(target -> rounds.put(target, new ArrayList<>()));
  }

  public void add(String target, Measurement measurement) {
    rounds.get(target).add(measurement);
  }

  public String label() {
    return label;
  }

  public String rateUnit() {
    return rateUnit;
  }

  public List<String> targets() {
    return targets;
  }

  public Map<String, String> skipped() {
    return skipped;
  }

  public Stats rate(String target) {
    return Stats.of(successful(target).stream().map(Measurement::rate).toList());
  }

  public Stats latency(String target) {
    return Stats.of(successful(target).stream().map(Measurement::latencyMs).toList());
  }

  /** Percentiles over every timed operation of this target's successful rounds (empty for pgbench rounds). */
  public Percentiles percentiles(String target) {
    List<Double> all = new ArrayList<>();
    successful(target).forEach(m -> all.addAll(m.samplesMs()));
    return Percentiles.of(all);
  }

  /** Whether any round kept its individual timings (then the table shows p99). */
  public boolean hasSamples() {
    return rounds.values().stream().flatMap(List::stream).anyMatch(m -> !m.samplesMs().isEmpty());
  }

  /** A named extra of this target's rounds (say, the measured hit ratio), over rounds. */
  public Stats extra(String target, String key) {
    return Stats.of(successful(target).stream().filter(m -> m.extras().containsKey(key))
        .map(m -> m.extras().get(key)).toList());
  }

  /** Median over rounds of this target's latency divided by the baseline's latency in the same round. */
  public Stats latencyRatio(String target, String baseline) {
    return perRound(target, baseline, Measurement::latencyMs);
  }

  /** Median over rounds of this target's rate divided by the baseline's rate in the same round. */
  public Stats ratio(String target, String baseline) {
    return perRound(target, baseline, Measurement::rate);
  }

  private Stats perRound(String target, String baseline, java.util.function.ToDoubleFunction<Measurement> figure) {
    List<Measurement> mine = rounds.get(target);
    List<Measurement> theirs = rounds.get(baseline);
    if (mine == null || theirs == null) {
      return Stats.of(List.of());
    }
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < Math.min(mine.size(), theirs.size()); i++) {
      if (!mine.get(i).failed() && !theirs.get(i).failed() && figure.applyAsDouble(theirs.get(i)) > 0) {
        ratios.add(figure.applyAsDouble(mine.get(i)) / figure.applyAsDouble(theirs.get(i)));
      }
    }
    return Stats.of(ratios);
  }

  /** The first error of a target, with how many of its rounds failed. */
  public Optional<String> failure(String target) {
    List<Measurement> all = rounds.get(target);
    long failed = all.stream().filter(Measurement::failed).count();
    return all.stream().filter(Measurement::failed).findFirst()
        .map(first -> "failed in " + failed + " of " + all.size() + " rounds: " + first.error().orElseThrow());
  }

  private List<Measurement> successful(String target) {
    return rounds.getOrDefault(target, List.of()).stream().filter(m -> !m.failed()).toList();
  }

  public boolean has(String target) {
    return rounds.containsKey(target);
  }
}
