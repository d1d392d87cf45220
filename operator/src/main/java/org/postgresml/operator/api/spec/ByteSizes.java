package org.postgresml.operator.api.spec;

import java.util.regex.Matcher;

/**
 * The size syntax the proxy reads ({@code 65536}, {@code 512kB}, {@code 256MB}, {@code 1GB}; a kB is
 * 1024 bytes, as PostgreSQL writes memory settings); one home for CRD and code.
 */
public final class ByteSizes {

  /** OpenAPI pattern of a size string: at most ten digits and an optional unit, no space. */
  public static final String PATTERN = "^[0-9]{1,10}(B|kB|MB|GB)?$";

  private static final java.util.regex.Pattern PARTS = java.util.regex.Pattern.compile("([0-9]{1,10})(B|kB|MB|GB)?");
  private static final long KB = 1024;

  private ByteSizes() {
  }

  /** Bytes of a size; rejects anything the pattern rejects. */
  public static long parse(String text) {
    Matcher m = text == null ? null : PARTS.matcher(text);
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("not a size (like 65536, 512kB, 256MB, 1GB): " + text);
    }
    long unit = m.group(2) == null ? 1 : switch (m.group(2)) {
      case "kB" -> KB;
      case "MB" -> KB * KB;
      case "GB" -> KB * KB * KB;
      default -> 1;
    };
    return Long.parseLong(m.group(1)) * unit;
  }
}
