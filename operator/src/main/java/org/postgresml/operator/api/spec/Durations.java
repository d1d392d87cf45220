package org.postgresml.operator.api.spec;

import java.time.Duration;
import java.util.regex.Matcher;

/** The duration syntax the proxy reads ({@code 30s}, {@code 500ms}, {@code 1h30m}); one home for CRD and code. */
public final class Durations {

  /** OpenAPI pattern of a duration string. */
  public static final String PATTERN = "^([0-9]+(ms|s|m|h))+$";

  private static final java.util.regex.Pattern PART = java.util.regex.Pattern.compile("([0-9]+)(ms|s|m|h)");

  private Durations() {
  }

  /** Parses a duration; rejects anything the proxy would reject. */
  public static Duration parse(String text) {
    if (text == null || !text.matches(PATTERN)) {
      throw new IllegalArgumentException("not a duration (like 30s, 500ms, 5m, 1h): " + text);
    }
    Duration total = Duration.ZERO;
    Matcher m = PART.matcher(text);
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      total = total.plus(switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      });
    }
    return total;
  }
}
