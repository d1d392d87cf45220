package org.postgresml.bench;

import java.util.List;
import java.util.function.Function;
import org.postgresml.bench.report.Comparison;
import org.postgresml.bench.report.Measurement;
import org.postgresml.bench.target.Target;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Measures every target of a set, round by round, alternating which goes first. */
public final class Rounds {

  private static final Logger LOG = LoggerFactory.getLogger(Rounds.class);

  private Rounds() {}

  public static Comparison compare(String label, String rateUnit, TargetSet set, int rounds,
      Function<Target, Measurement> measure) {
    return compare(label, rateUnit, set, set.targets(), rounds, measure);
  }

  /** As above, for a subset of the set's targets (say, the poolers only). */
  public static Comparison compare(String label, String rateUnit, TargetSet set, List<Target> targets, int rounds,
      Function<Target, Measurement> measure) {
    return compareByRound(label, rateUnit, set, targets, rounds, (target, round) -> measure.apply(target));
  }

  /** As above, telling the measurement which round it is in (say, to draw that round's sequence of texts). */
  public static Comparison compareByRound(String label, String rateUnit, TargetSet set, List<Target> targets,
      int rounds, java.util.function.BiFunction<Target, Integer, Measurement> measure) {
    Comparison comparison = new Comparison(label, rateUnit, targets.stream().map(Target::name).toList(),
        set.skipped());
    for (int round = 0; round < rounds; round++) {
      List<Target> order = new java.util.ArrayList<>(targets);
      java.util.Collections.rotate(order, -(round % Math.max(1, order.size())));
      for (Target target : order) {
        Measurement measurement;
        try {
          measurement = measure.apply(target, round);
        } catch (RuntimeException e) {
          measurement = Measurement.failed(e.getMessage());
        }
        LOG.info("{} | {} | round {}: {} {}{}", label, target.name(), round + 1,
            String.format(java.util.Locale.ROOT, "%.1f", measurement.rate()), rateUnit,
            measurement.error().map(e -> " FAILED: " + e).orElse(""));
        comparison.add(target.name(), measurement);
      }
    }
    return comparison;
  }
}
