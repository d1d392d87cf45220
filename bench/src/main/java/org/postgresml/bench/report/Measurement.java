package org.postgresml.bench.report;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.bench.run.PgbenchResult;

/**
 * One target's result in one round: a rate (transactions or calls per second) and a latency in
 * milliseconds, or the error that stopped it. Scenarios that time each operation themselves (logins,
 * dblink calls) keep every latency too, for percentiles over all rounds, and may add named extras
 * (a measured hit ratio).
 */
public record Measurement(double rate, double latencyMs, Optional<String> error, List<Double> samplesMs,
    Map<String, Double> extras) {

  public Measurement {
    samplesMs = List.copyOf(samplesMs);
    extras = Map.copyOf(extras);
  }

  public Measurement(double rate, double latencyMs, Optional<String> error) {
    this(rate, latencyMs, error, List.of(), Map.of());
  }

  public static Measurement of(PgbenchResult result) {
    return new Measurement(result.tps(), result.latencyMs(), result.error());
  }

  /** A round of individually timed operations: rate = operations per second of wall time, latency = their median. */
  public static Measurement timed(List<Double> millis, double wallSeconds, Map<String, Double> extras) {
    return new Measurement(millis.size() / wallSeconds, Percentiles.of(millis).p50(), Optional.empty(), millis,
        extras);
  }

  public static Measurement failed(String error) {
    return new Measurement(Double.NaN, Double.NaN, Optional.of(error));
  }

  public boolean failed() {
    return error.isPresent();
  }
}
