package org.postgresml.bench.run;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one pgbench run reported: throughput, mean latency, transactions, and the first error when
 * it failed (a failed run is a result too: PgBouncer 1.18 and {@code -M prepared} in transaction mode).
 */
public record PgbenchResult(double tps, double latencyMs, long transactions, Optional<String> error) {

  private static final Pattern TPS = Pattern.compile("^tps = ([0-9.]+)", Pattern.MULTILINE);
  private static final Pattern LATENCY = Pattern.compile("^latency average = ([0-9.]+) ms", Pattern.MULTILINE);
  private static final Pattern PROCESSED =
      Pattern.compile("^number of transactions actually processed: ([0-9]+)", Pattern.MULTILINE);
  private static final Pattern FAILED = Pattern.compile("^number of failed transactions: ([0-9]+)", Pattern.MULTILINE);
  private static final Pattern ERROR_LINE = Pattern.compile("^.*(error|FATAL|ERROR|abort).*$",
      Pattern.MULTILINE | Pattern.CASE_INSENSITIVE);

  public boolean failed() {
    return error.isPresent();
  }

  static PgbenchResult parse(int exitCode, String stdout, String stderr) {
    double tps = number(TPS, stdout).orElse(0.0);
    double latency = number(LATENCY, stdout).orElse(Double.NaN);
    long processed = number(PROCESSED, stdout).map(Double::longValue).orElse(0L);
    long failedTxns = number(FAILED, stdout).map(Double::longValue).orElse(0L);
    Optional<String> error = Optional.empty();
    if (exitCode != 0 || failedTxns > 0 || processed == 0) {
      Matcher line = ERROR_LINE.matcher(stderr);
      String first = line.find() ? line.group().trim()
          : exitCode == 0 ? "no transaction finished within -T (the clients' logins took the whole run)"
          : "exit status " + exitCode + " without an error line";
      error = Optional.of(first.length() > 200 ? first.substring(0, 200) + "…" : first);
    }
    return new PgbenchResult(tps, latency, processed, error);
  }

  private static Optional<Double> number(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    return matcher.find() ? Optional.of(Double.parseDouble(matcher.group(1))) : Optional.empty();
  }
}
