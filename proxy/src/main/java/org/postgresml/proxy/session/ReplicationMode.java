package org.postgresml.proxy.session;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code replication} startup parameter, read as PostgreSQL reads it: {@code database} (a
 * logical-replication walsender, connected to a database) or a boolean (true: a physical one).
 */
enum ReplicationMode {
  NONE, PHYSICAL, LOGICAL;

  static final String PARAMETER = "replication";

  /** Empty when the value is none PostgreSQL accepts. */
  static Optional<ReplicationMode> parse(String value) {
    if (value == null) {
      return Optional.of(NONE);
    }
    if (value.equals("database")) {
      return Optional.of(LOGICAL);
    }
    return parseBool(value).map(on -> on ? PHYSICAL : NONE);
  }

  // PostgreSQL's parse_bool: true/false/yes/no by any unique prefix, on/off, 1/0, any case.
  private static Optional<Boolean> parseBool(String value) {
    String text = value.toLowerCase(Locale.ROOT);
    if (text.isEmpty()) {
      return Optional.empty();
    }
    if ("true".startsWith(text) || "yes".startsWith(text) || text.equals("on") || text.equals("1")) {
      return Optional.of(true);
    }
    if ("false".startsWith(text) || "no".startsWith(text) || (text.length() >= 2 && "off".startsWith(text))
        || text.equals("0")) {
      return Optional.of(false);
    }
    return Optional.empty();
  }

  /** PostgreSQL's refusal of a value it does not accept. */
  static String invalidValueMessage(String value) {
    return "invalid value for parameter \"replication\": \"" + value + "\"";
  }

  static final String VALID_VALUES_HINT = "Valid values are: \"false\", 0, \"true\", 1, \"database\".";
}
