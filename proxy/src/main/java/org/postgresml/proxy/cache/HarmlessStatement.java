package org.postgresml.proxy.cache;

import java.util.regex.Pattern;

/**
 * Statements a session may send and still use the cache, because they change nothing an answer's
 * bytes depend on: {@code SET application_name}, which pgjdbc sends after every login (its value
 * appears in no result). Anything else ends the session's use of the cache.
 */
final class HarmlessStatement {

  private static final String WS = "[ \\t\\n\\r\\f]";
  private static final Pattern SET_APPLICATION_NAME = Pattern.compile(WS + "*SET" + WS + "+(?:SESSION" + WS
      + "+)?application_name(?:" + WS + "*=" + WS + "*|" + WS + "+TO" + WS + "+)(?:'(?:[^']|'')*'|[A-Za-z0-9_]+)"
      + WS + "*;?" + WS + "*", Pattern.CASE_INSENSITIVE);

  private HarmlessStatement() {}

  static boolean matches(String sql) {
    return SET_APPLICATION_NAME.matcher(sql).matches();
  }
}
