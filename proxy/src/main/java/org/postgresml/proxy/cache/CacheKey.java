package org.postgresml.proxy.cache;

/**
 * What an answer depends on: the database, the user (empty for a function the configuration calls
 * public), the canonical call, the session settings that shape its output text (client encoding,
 * DateStyle, TimeZone, extra_float_digits, …), and the generation it was asked in.
 */
record CacheKey(String database, String user, String function, String statement, String settings, long generation) {

  /** A rough count of the bytes the key holds in memory (Java strings: two bytes a character). */
  int weight() {
    return 2 * (database.length() + user.length() + function.length() + statement.length() + settings.length()) + 96;
  }
}
