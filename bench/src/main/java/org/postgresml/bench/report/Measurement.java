package org.postgresml.bench.report;

import java.util.Optional;
import org.postgresml.bench.run.PgbenchResult;

/**
 * One target's result in one round: a rate (transactions or calls per second) and a latency in
 * milliseconds, or the error that stopped it.
 */
public record Measurement(double rate, double latencyMs, Optional<String> error) {

  public static Measurement of(PgbenchResult result) {
    return new Measurement(result.tps(), result.latencyMs(), result.error());
  }

  public static Measurement failed(String error) {
    return new Measurement(Double.NaN, Double.NaN, Optional.of(error));
  }

  public boolean failed() {
    return error.isPresent();
  }
}
