package org.postgresml.bench.report;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The comparisons a summary reads, filed by the scenarios under a key (say {@code cpu session} or
 * {@code dblink 20ms 8 transaction}), and the round-trip times the relay self-check measured.
 */
public final class Figures {

  private final Map<String, Comparison> comparisons = new LinkedHashMap<>();
  private final Map<Duration, Double> measuredRoundTripMs = new LinkedHashMap<>();
  private final Map<String, Double> values = new LinkedHashMap<>();

  public synchronized void put(String key, Comparison comparison) {
    comparisons.put(key, comparison);
  }

  public synchronized Optional<Comparison> get(String key) {
    return Optional.ofNullable(comparisons.get(key));
  }

  /** A single figure of one target (say, KiB of RSS per idle connection), filed under a key. */
  public synchronized void value(String key, double value) {
    values.put(key, value);
  }

  public synchronized java.util.OptionalDouble value(String key) {
    Double value = values.get(key);
    return value == null ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(value);
  }

  public static String idleKib(String target) {
    return "idle KiB per connection " + target;
  }

  /** RSS per connection over the second half of the idle connections only (what one more costs). */
  public static String idleMarginalKib(String target) {
    return "idle marginal KiB per connection " + target;
  }

  public static String copyHeapMib(String target) {
    return "copy heap MiB " + target;
  }

  public static String copyRssMib(String target) {
    return "copy RSS MiB " + target;
  }

  public synchronized void roundTrip(Duration configured, double measuredMs) {
    measuredRoundTripMs.put(configured, measuredMs);
  }

  /** The measured RTT (relay self-check), or the configured one when the self-check did not run. */
  public synchronized double roundTripMs(Duration configured) {
    return measuredRoundTripMs.getOrDefault(configured, configured.toNanos() / 1e6);
  }

  public synchronized boolean roundTripMeasured(Duration configured) {
    return measuredRoundTripMs.containsKey(configured);
  }

  public static String cpu(String mode) {
    return "cpu " + mode;
  }

  public static String select(int clients, String mode) {
    return "select " + clients + " " + mode;
  }

  public static String login(String mode) {
    return "login " + mode;
  }

  /** The same logins after each pooler served {@code LoginLatency.WARM_LOGINS} more: the JIT has compiled them. */
  public static String loginWarm(String mode) {
    return "login warm " + mode;
  }

  public static String connect(Duration roundTrip, String mode) {
    return "connect " + roundTrip.toMillis() + "ms " + mode;
  }

  public static String cache(int hitPercent, int callers, String mode) {
    return "cache " + hitPercent + " " + callers + " " + mode;
  }

  public static String dblink(Duration roundTrip, int callers, String mode) {
    return "dblink " + roundTrip.toMillis() + "ms " + callers + " " + mode;
  }
}
