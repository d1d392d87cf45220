package org.postgresml.proxy.session;

import java.util.ArrayList;
import java.util.List;
import org.postgresml.proxy.protocol.SqlState;

/**
 * The {@code options} startup parameter (libpq's {@code options=} and {@code PGOPTIONS}): the
 * command-line switches PostgreSQL takes from a client, split as PostgreSQL splits them (spaces
 * separate, a backslash escapes the next character). The proxy passes on {@code -c name=value} and
 * {@code --name=value}; the other switches set server-wide things a pooled connection cannot take.
 */
final class StartupOptions {

  /** A startup option PostgreSQL or the proxy refuses; the message is PostgreSQL's where it has one. */
  static final class InvalidOptionException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String sqlState;

    InvalidOptionException(String sqlState, String message) {
      super(message);
      this.sqlState = sqlState;
    }

    String sqlState() {
      return sqlState;
    }
  }

  private StartupOptions() {}

  /** The settings in an options string, in order. */
  static List<ClientParameters.Setting> parse(String options) throws InvalidOptionException {
    List<String> words = words(options);
    List<ClientParameters.Setting> settings = new ArrayList<>();
    for (int i = 0; i < words.size(); i++) {
      String word = words.get(i);
      String setting;
      String switchName;
      if (word.equals("-c")) {
        if (i + 1 == words.size()) {
          throw new InvalidOptionException(SqlState.SYNTAX_ERROR,
              "invalid command-line argument for server process: -c");
        }
        setting = words.get(++i);
        switchName = "-c ";
      } else if (word.startsWith("-c")) {
        setting = word.substring(2);
        switchName = "-c ";
      } else if (word.startsWith("--")) {
        setting = word.substring(2);
        switchName = "--";
      } else {
        throw new InvalidOptionException(SqlState.FEATURE_NOT_SUPPORTED, "unsupported startup option \""
            + word + "\": pgml-proxy passes on only -c name=value (and --name=value) in options");
      }
      int equals = setting.indexOf('=');
      if (equals < 0) {
        // PostgreSQL's ParseLongOption wording.
        throw new InvalidOptionException(SqlState.SYNTAX_ERROR, switchName + setting + " requires a value");
      }
      // As PostgreSQL's ParseLongOption: a dash in the name stands for an underscore.
      settings.add(new ClientParameters.Setting(setting.substring(0, equals).replace('-', '_'),
          setting.substring(equals + 1)));
    }
    return settings;
  }

  // PostgreSQL's pg_split_opts: whitespace separates, a backslash takes the next character literally.
  private static List<String> words(String options) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < options.length(); i++) {
      char c = options.charAt(i);
      if (c == '\\' && i + 1 < options.length()) {
        word.append(options.charAt(++i));
      } else if (Character.isWhitespace(c)) {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }
}
