package org.postgresml.proxy.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written as in the YAML file: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, and sums of
 * them such as {@code 1m30s} (the operator's CRD admits the same syntax, so what it renders always starts).
 */
public final class DurationText {

  private static final Pattern FORMAT = Pattern.compile("(\\d+\\s*(ms|s|m|h)\\s*)+");
  private static final Pattern PART = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

  private DurationText() {}

  public static Duration parse(String key, String text) {
    String trimmed = text.trim();
    if (!FORMAT.matcher(trimmed).matches()) {
      throw invalid(key, text);
    }
    Duration total = Duration.ZERO;
    Matcher part = PART.matcher(trimmed);
    try {
      while (part.find()) {
        long amount = Long.parseLong(part.group(1));
        total = total.plus(switch (part.group(2)) {
          case "ms" -> Duration.ofMillis(amount);
          case "s" -> Duration.ofSeconds(amount);
          case "m" -> Duration.ofMinutes(amount);
          default -> Duration.ofHours(amount);
        });
      }
    } catch (NumberFormatException | ArithmeticException tooLarge) {
      throw invalid(key, text);
    }
    return total;
  }

  private static ConfigException invalid(String key, String text) {
    return new ConfigException(key + ": invalid duration '" + text + "' (examples: 500ms, 30s, 5m, 1h, 1m30s)");
  }
}
