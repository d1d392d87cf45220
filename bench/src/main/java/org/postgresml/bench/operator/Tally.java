package org.postgresml.bench.operator;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The operator's API requests in one phase of the benchmark: reads, watches, and writes by
 * method and resource (so a non-zero write count says at once what was written).
 */
public final class Tally {

  private int reads;
  private int watches;
  private final Map<String, Integer> writes = new TreeMap<>();

  void add(ApiCall call) {
    switch (call.verb()) {
      case READ -> reads++;
      case WATCH -> watches++;
      case WRITE -> writes.merge(call.method() + " " + call.resource(), 1, Integer::sum);
    }
  }

  public int reads() {
    return reads;
  }

  public int watches() {
    return watches;
  }

  public int writes() {
    return writes.values().stream().mapToInt(Integer::intValue).sum();
  }

  public int requests() {
    return reads + watches + writes();
  }

  /**
   * The writes by method and resource divided by {@code resources}, e.g.
   * {@code POST secrets 3.00, PATCH pgmlproxies/status 1.00}; "none" when nothing was written.
   */
  public String writesPer(int resources) {
    if (writes.isEmpty()) {
      return "none";
    }
    return writes.entrySet().stream()
        .map(e -> e.getKey() + " " + String.format(Locale.ROOT, resources == 1 ? "%.0f" : "%.2f",
            e.getValue() / (double) resources))
        .collect(Collectors.joining(", "));
  }
}
