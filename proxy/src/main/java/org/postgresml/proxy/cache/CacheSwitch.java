package org.postgresml.proxy.cache;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A session's own switch, {@code SET pgml_proxy.cache = off} (also {@code TO}, {@code SET SESSION},
 * quoted values, {@code DEFAULT}), {@code RESET pgml_proxy.cache} and {@code SHOW pgml_proxy.cache},
 * read as PostgreSQL reads a boolean setting. The proxy answers it itself, outside a transaction
 * block, so it never reaches (or lingers on) a pooled server connection.
 */
public final class CacheSwitch {

  /** The setting's name, as in startup options ({@code -c pgml_proxy.cache=off}). */
  public static final String NAME = "pgml_proxy.cache";

  private static final String WS = "[ \\t\\n\\r\\f]";
  private static final Pattern STATEMENT = Pattern.compile(WS + "*(?:SET" + WS + "+(?:SESSION" + WS + "+)?"
      + "pgml_proxy\\.cache(?:" + WS + "*=" + WS + "*|" + WS + "+TO" + WS + "+)(?<value>'[^']*'|[A-Za-z0-9_]+)"
      + "|(?<reset>RESET)" + WS + "+pgml_proxy\\.cache|(?<show>SHOW)" + WS + "+pgml_proxy\\.cache)" + WS + "*;?"
      + WS + "*", Pattern.CASE_INSENSITIVE);
  /** A switch statement is short; a longer Query is not read for it in a session that no longer uses the cache. */
  static final int MAX_BYTES = 256;

  /** What a statement says: not this switch at all, on, off, a value that is no boolean, or a question. */
  public enum Said { NOT_THE_SWITCH, ON, OFF, INVALID, SHOW }

  private CacheSwitch() {}

  public static Said read(String sql) {
    if (!mayBeTheSwitch(sql)) {
      return Said.NOT_THE_SWITCH; // a SELECT, the usual Query: no matcher for it
    }
    Matcher matcher = STATEMENT.matcher(sql);
    if (!matcher.matches()) {
      return Said.NOT_THE_SWITCH;
    }
    if (matcher.group("reset") != null) {
      return Said.ON;
    }
    if (matcher.group("show") != null) {
      return Said.SHOW;
    }
    String value = matcher.group("value");
    if (value.startsWith("'")) {
      value = value.substring(1, value.length() - 1);
    }
    return value.equalsIgnoreCase("default") ? Said.ON : bool(value).map(on -> on ? Said.ON : Said.OFF)
        .orElse(Said.INVALID);
  }

  /**
   * What {@link #STATEMENT} needs first: space, then SET, SHOW or RESET in any case (regionMatches
   * folds case more widely than the pattern's ASCII folding: it lets through more, never less).
   */
  private static boolean mayBeTheSwitch(String sql) {
    int at = 0;
    while (at < sql.length() && " \t\n\r\f".indexOf(sql.charAt(at)) >= 0) {
      at++;
    }
    return sql.regionMatches(true, at, "set", 0, 3) || sql.regionMatches(true, at, "show", 0, 4)
        || sql.regionMatches(true, at, "reset", 0, 5);
  }

  /** PostgreSQL's booleans: on, off, true, false, yes, no, 1, 0 (and unique prefixes of the words). */
  public static Optional<Boolean> bool(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.equals("1") || value.equals("on") || isPrefix(value, "true") || isPrefix(value, "yes")) {
      return Optional.of(true);
    }
    if (value.equals("0") || value.length() >= 2 && isPrefix(value, "off") || isPrefix(value, "false")
        || isPrefix(value, "no")) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  private static boolean isPrefix(String value, String word) {
    return word.startsWith(value);
  }
}
