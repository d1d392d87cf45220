package org.postgresml.proxy.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes written as PostgreSQL writes memory settings: {@code 65536}, {@code 512kB}, {@code 64MB},
 * {@code 1GB}, where a kB is 1024 bytes.
 */
public final class ByteSizeText {

  private static final Pattern FORMAT = Pattern.compile("(\\d{1,13})\\s*(|B|kB|MB|GB)");
  private static final long KB = 1024;

  private ByteSizeText() {}

  /** Bytes of {@code text}, which must lie between {@code min} and {@code max}. */
  public static int parse(String key, String text, int min, int max) {
    return (int) parseLong(key, text, min, max);
  }

  /** As {@link #parse}, for budgets past 2GB. */
  public static long parseLong(String key, String text, long min, long max) {
    if (text.trim().startsWith("-")) {
      throw new ConfigException(key + " must not be negative, not " + text.trim());
    }
    Matcher matcher = FORMAT.matcher(text.trim());
    if (!matcher.matches()) {
      throw new ConfigException(key + ": invalid size '" + text + "' (examples: 65536, 512kB, 64MB, 1GB)");
    }
    long unit = switch (matcher.group(2)) {
      case "kB" -> KB;
      case "MB" -> KB * KB;
      case "GB" -> KB * KB * KB;
      default -> 1;
    };
    long bytes;
    try {
      bytes = Math.multiplyExact(Long.parseLong(matcher.group(1)), unit);
    } catch (ArithmeticException tooLarge) {
      bytes = Long.MAX_VALUE;
    }
    if (bytes < min || bytes > max) {
      throw new ConfigException(key + " must be between " + format(min) + " and " + format(max) + ", not " + text);
    }
    return bytes;
  }

  /** The shortest exact way to write {@code bytes} (64MB rather than 67108864). */
  public static String format(long bytes) {
    String[] units = {"GB", "MB", "kB"};
    long[] sizes = {KB * KB * KB, KB * KB, KB};
    for (int i = 0; i < units.length; i++) {
      if (bytes >= sizes[i] && bytes % sizes[i] == 0) {
        return bytes / sizes[i] + units[i];
      }
    }
    return Long.toString(bytes);
  }
}
