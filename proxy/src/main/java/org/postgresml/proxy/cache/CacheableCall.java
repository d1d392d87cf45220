package org.postgresml.proxy.cache;

import java.util.Optional;
import java.util.Set;

/**
 * A statement the cache may answer: the whole query string is one {@code SELECT schema.function(…)}
 * of an allowed function with literal arguments, and nothing else. Recognised by a strict scanner
 * that accepts only this grammar and refuses everything it does not fully understand:
 *
 * <pre>
 *   ws* SELECT ws+ name '.' name ws* '(' ws* [ arg (ws* ',' ws* arg)* ws* ] ')' ws* [ ';' ws* ]
 *   name = [A-Za-z_][A-Za-z0-9_$]*          (unquoted, folded to lower case as PostgreSQL does)
 *   arg  = string [ '::' ( text | json | jsonb ) ] | number
 *   string = ' ( any character but ' | '' )* '   (standard_conforming_strings on: backslash is plain)
 *   number = [0-9]+ [ '.' [0-9]+ ] [ (e|E) [+-]? [0-9]+ ]
 *   ws   = space | tab | newline | carriage return | form feed
 * </pre>
 *
 * Refused, among others: comments, a second statement, aliases, {@code FROM}, subqueries, column
 * references and other identifiers as arguments, operators (also a unary minus), E'', U&'', B'',
 * X'' strings, dollar quoting, adjacent string literals (which PostgreSQL joins across a newline),
 * quoted identifiers, casts to any other type, and anything not valid UTF-8 (the caller decodes).
 *
 * <p>The canonical text spells the call with lower-case names, single spaces and the literals
 * exactly as written: two statements with the same canonical text get the same bytes from
 * PostgreSQL (same column name, same argument types and values). Literals are not normalised
 * ({@code 1.0} and {@code 1.00} differ, as their output may).
 */
public record CacheableCall(String function, String canonical) {

  /** The call {@code sql} makes, when it is of the cacheable shape and names one of {@code functions}. */
  public static Optional<CacheableCall> match(String sql, Set<String> functions) {
    return new Scanner(sql).call().filter(call -> functions.contains(call.function()));
  }

  /** The scanner of one query string; every method either advances over what it accepts or gives up. */
  private static final class Scanner {
    private final String sql;
    private int at;

    Scanner(String sql) {
      this.sql = sql;
    }

    Optional<CacheableCall> call() {
      skipSpace();
      if (!keyword("select") || !space()) {
        return Optional.empty();
      }
      skipSpace();
      String schema = name();
      if (schema == null || !take('.')) {
        return Optional.empty();
      }
      String function = name();
      if (function == null) {
        return Optional.empty();
      }
      skipSpace();
      if (!take('(')) {
        return Optional.empty();
      }
      // Sized for the whole text: the canonical call is rarely longer, so it grows no copy of itself.
      StringBuilder canonical = new StringBuilder(sql.length() + 16).append("select ").append(schema).append('.')
          .append(function).append('(');
      skipSpace();
      if (!take(')')) {
        while (true) {
          if (!argument(canonical)) {
            return Optional.empty();
          }
          skipSpace();
          if (take(')')) {
            break;
          }
          if (!take(',')) {
            return Optional.empty();
          }
          canonical.append(", ");
          skipSpace();
        }
      }
      canonical.append(')');
      skipSpace();
      if (take(';')) {
        skipSpace();
      }
      if (at != sql.length()) {
        return Optional.empty();
      }
      return Optional.of(new CacheableCall(schema + "." + function, canonical.toString()));
    }

    private boolean argument(StringBuilder canonical) {
      if (peek() == '\'') {
        if (!string(canonical)) {
          return false;
        }
        if (sql.startsWith("::", at)) {
          at += 2;
          String type = name();
          if (type == null || !(type.equals("text") || type.equals("json") || type.equals("jsonb"))) {
            return false;
          }
          canonical.append("::").append(type);
        }
        return isDelimiter(peek());
      }
      return number(canonical);
    }

    // '…' with '' for a quote; the literal goes into the key exactly as written.
    private boolean string(StringBuilder canonical) {
      int start = at;
      at++;
      while (at < sql.length()) {
        char c = sql.charAt(at++);
        if (c == '\'') {
          if (peek() == '\'') {
            at++;
          } else {
            canonical.append(sql, start, at);
            return true;
          }
        }
      }
      return false; // unterminated
    }

    private boolean number(StringBuilder canonical) {
      int start = at;
      if (!digits()) {
        return false;
      }
      if (peek() == '.') {
        at++;
        if (!digits()) {
          return false;
        }
      }
      if (peek() == 'e' || peek() == 'E') {
        at++;
        if (peek() == '+' || peek() == '-') {
          at++;
        }
        if (!digits()) {
          return false;
        }
      }
      // 123abc, 0x1F, 1_000: PostgreSQL reads these otherwise (or refuses them); so does the cache.
      if (!isDelimiter(peek())) {
        return false;
      }
      canonical.append(sql, start, at);
      return true;
    }

    private boolean digits() {
      int start = at;
      while (at < sql.length() && sql.charAt(at) >= '0' && sql.charAt(at) <= '9') {
        at++;
      }
      return at > start;
    }

    /** What may follow an argument: space, a comma, the closing parenthesis. */
    private static boolean isDelimiter(int c) {
      return c == ',' || c == ')' || isSpace(c);
    }

    private String name() {
      int start = at;
      if (at < sql.length() && isNameStart(sql.charAt(at))) {
        at++;
        while (at < sql.length() && isNamePart(sql.charAt(at))) {
          at++;
        }
      }
      if (at == start || at - start > 63) {
        return null;
      }
      return sql.substring(start, at).toLowerCase(java.util.Locale.ROOT);
    }

    // ASCII letters only, as PostgreSQL folds keywords (String.regionMatches would take U+017F for s).
    private boolean keyword(String word) {
      if (at + word.length() > sql.length()) {
        return false;
      }
      for (int i = 0; i < word.length(); i++) {
        char c = sql.charAt(at + i);
        if ((c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c) != word.charAt(i)) {
          return false;
        }
      }
      at += word.length();
      return true;
    }

    private boolean take(char c) {
      if (peek() == c) {
        at++;
        return true;
      }
      return false;
    }

    /** At least one space character. */
    private boolean space() {
      return isSpace(peek());
    }

    private void skipSpace() {
      while (isSpace(peek())) {
        at++;
      }
    }

    private int peek() {
      return at < sql.length() ? sql.charAt(at) : -1;
    }

    private static boolean isSpace(int c) {
      return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    private static boolean isNameStart(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isNamePart(char c) {
      return isNameStart(c) || (c >= '0' && c <= '9') || c == '$';
    }
  }
}
