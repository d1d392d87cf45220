package org.postgresml.proxy.observe;

/**
 * The one rule for text that goes into a log line: control characters (C0, DEL, C1) and the Unicode
 * line and paragraph separators are written as escapes, so a user name, database name or upstream
 * message can never start a line of its own or drive a terminal. A quote and a backslash are escaped
 * too where the text sits between quotes (a key-value pair's value).
 */
public final class LogEscape {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private LogEscape() {}

  /** The text with control characters escaped; the same instance when it has none. */
  public static String controls(String text) {
    return escape(text, false);
  }

  /** As {@link #controls}, also escaping {@code "} and {@code \}, for a value written between quotes. */
  public static String quoted(String text) {
    return escape(text, true);
  }

  private static String escape(String text, boolean quoted) {
    if (text == null) {
      return null;
    }
    int first = firstToEscape(text, quoted);
    if (first < 0) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
    for (int i = first; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (quoted && (c == '"' || c == '\\')) {
            out.append('\\').append(c);
          } else if (needsEscape(c)) {
            out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf])
                .append(HEX[c & 0xf]);
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  private static int firstToEscape(String text, boolean quoted) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (needsEscape(c) || quoted && (c == '"' || c == '\\')) {
        return i;
      }
    }
    return -1;
  }

  private static boolean needsEscape(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
  }
}
