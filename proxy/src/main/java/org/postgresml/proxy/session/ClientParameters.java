package org.postgresml.proxy.session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.UpstreamConnector;

/**
 * The session settings a client asked for in its startup packet ({@code application_name},
 * {@code client_encoding}, {@code DateStyle}, {@code TimeZone}, {@code extra_float_digits} and
 * {@code -c name=value} in {@code options}), and how a pooled server connection is brought to them:
 * {@code SET} statements, sent ahead of the client's first message so they cost no round trip.
 */
final class ClientParameters {

  private final Map<String, String> requested;

  private ClientParameters(Map<String, String> requested) {
    this.requested = requested;
  }

  /**
   * @throws IllegalArgumentException when {@code options} holds something other than {@code -c name=value}
   */
  static ClientParameters of(Map<String, String> startup) {
    Map<String, String> requested = new LinkedHashMap<>();
    String options = null;
    // Names are case-insensitive: libpq sends PGTZ and PGDATESTYLE as "timezone" and "datestyle".
    for (Map.Entry<String, String> parameter : startup.entrySet()) {
      for (String name : UpstreamConnector.FORWARDED_PARAMETERS) {
        if (name.equalsIgnoreCase(parameter.getKey())) {
          if (name.equals("options")) {
            options = parameter.getValue();
          } else {
            requested.put(name, parameter.getValue());
          }
        }
      }
    }
    if (options != null && !options.isBlank()) {
      requested.putAll(parseOptions(options));
    }
    return new ClientParameters(requested);
  }

  // libpq's options: "-c name=value" or "--name=value", separated by spaces, "\ " escapes a space.
  private static Map<String, String> parseOptions(String options) {
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
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < words.size(); i++) {
      String setting;
      if (words.get(i).equals("-c") && i + 1 < words.size()) {
        setting = words.get(++i);
      } else if (words.get(i).startsWith("-c")) {
        setting = words.get(i).substring(2);
      } else if (words.get(i).startsWith("--")) {
        setting = words.get(i).substring(2);
      } else {
        throw new IllegalArgumentException("unsupported startup option \"" + words.get(i)
            + "\": pgml-proxy passes on only -c name=value");
      }
      int equals = setting.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("startup option \"" + setting + "\" is not name=value");
      }
      settings.put(setting.substring(0, equals).replace('-', '_'), setting.substring(equals + 1));
    }
    return settings;
  }

  /**
   * The SET statements that bring the connection to what this client asked for (empty when it is
   * there already), and records them as applied.
   */
  String applyTo(ServerConnection connection) {
    StringBuilder sql = new StringBuilder();
    // Transaction mode hands connections on without DISCARD ALL: what an earlier client set and this
    // one did not ask for goes back to the server's default, or it would leak to this client.
    connection.clientSettings().entrySet().removeIf(applied -> {
      if (requested.keySet().stream().anyMatch(name -> name.equalsIgnoreCase(applied.getKey()))) {
        return false;
      }
      sql.append("RESET \"").append(applied.getKey().replace("\"", "\"\"")).append("\";");
      String reported = reportedName(connection.startupParameters(), applied.getKey());
      if (reported != null) {
        connection.expectParameter(reported, connection.startupParameters().get(reported));
      }
      return true;
    });
    requested.forEach((name, value) -> {
      String current = connection.clientSettings().getOrDefault(name, startupValue(connection, name));
      if (!value.equals(current)) {
        sql.append("SET \"").append(name.replace("\"", "\"\"")).append("\" TO '")
            .append(value.replace("'", "''")).append("';");
        connection.clientSettings().put(name, value);
        String reported = reportedName(connection.startupParameters(), name);
        if (reported != null) {
          connection.expectParameter(reported, value);
        }
      }
    });
    return sql.toString();
  }

  /** What the client is told at login: the server's startup report with its own settings in place. */
  Map<String, String> reported(Map<String, String> serverDefaults) {
    Map<String, String> report = new LinkedHashMap<>(serverDefaults);
    requested.forEach((name, value) -> {
      String reported = reportedName(serverDefaults, name);
      if (reported != null) {
        report.put(reported, value);
      }
    });
    return report;
  }

  private static String startupValue(ServerConnection connection, String name) {
    String reported = reportedName(connection.startupParameters(), name);
    return reported == null ? null : connection.startupParameters().get(reported);
  }

  // GUC names are case-insensitive; ParameterStatus uses the canonical spelling (TimeZone, DateStyle).
  private static String reportedName(Map<String, String> serverDefaults, String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String known : serverDefaults.keySet()) {
      if (known.toLowerCase(Locale.ROOT).equals(lower)) {
        return known;
      }
    }
    return null;
  }
}
