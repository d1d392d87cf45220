package org.postgresml.bench;

import java.util.List;
import java.util.Locale;

/** A named selection of scenarios ({@code --profile}), sized in {@link BenchSettings#profiles}. */
public enum Profile {
  /** Issue 17's set: CPU, select-only, logins, dblink across 20 ms, connect-per-call across 10 ms, memory. */
  ISSUE17(List.of("relay", "cpu", "login", "connect", "dblink", "select", "idle", "copy")),
  /** Issue 18's cache scenario, with the login latency it is compared with. */
  ISSUE18(List.of("relay", "login", "cache"));

  private final List<String> scenarios;

  Profile(List<String> scenarios) {
    this.scenarios = scenarios;
  }

  public List<String> scenarios() {
    return scenarios;
  }

  public static Profile of(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown profile '" + name + "' (known: issue17, issue18)");
    }
  }
}
