package org.postgresml.proxy.session;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postgresml.proxy.pool.AcceptedSettings;
import org.postgresml.proxy.pool.StartupSetting;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * The run-time settings a client asked for in its startup packet, as PostgreSQL takes them: every
 * name/value pair that is not one of the protocol's own ({@code user}, {@code database},
 * {@code options}, {@code replication}, {@code _pq_.*}), after the {@code -c name=value} switches in
 * {@code options} (the pairs win, as PostgreSQL applies them second). A pooled server connection is
 * brought to them with {@code set_config} calls sent ahead of the client's first message, so they
 * cost no round trip.
 */
final class ClientParameters {

  /** Startup packet names the protocol defines: never run-time settings. */
  private static final Set<String> PROTOCOL_NAMES = Set.of("user", "database", "options", "replication");
  /** Reserved for protocol options (PostgreSQL answers unknown ones with NegotiateProtocolVersion). */
  static final String PROTOCOL_OPTION_PREFIX = "_pq_.";

  /** One setting as the client spelled it. */
  record Setting(String name, String value) implements StartupSetting {}

  /**
   * In the order asked, one per lower-case name (the last of several spellings wins, as the last SET
   * would), with their lower-case names alongside: arrays rather than a map, as every idle session
   * holds them (issue 17: memory per idle client), and a handful of names is scanned as fast.
   */
  private final Setting[] requested;
  private final String[] keys;

  private ClientParameters(Map<String, Setting> requested) {
    this.requested = requested.values().toArray(new Setting[0]);
    this.keys = new String[this.requested.length];
    int i = 0;
    for (String key : requested.keySet()) {
      // Names clients send are few and alike: one copy of "timezone" for all sessions, not one each.
      keys[i++] = key.intern();
    }
  }

  /** @throws StartupOptions.InvalidOptionException when {@code options} holds what the proxy cannot pass on */
  static ClientParameters of(Map<String, String> startup) throws StartupOptions.InvalidOptionException {
    Map<String, Setting> requested = new LinkedHashMap<>();
    String options = startup.get("options");
    if (options != null) {
      for (Setting setting : StartupOptions.parse(options)) {
        put(requested, setting);
      }
    }
    startup.forEach((name, value) -> {
      if (!PROTOCOL_NAMES.contains(name) && !name.startsWith(PROTOCOL_OPTION_PREFIX)) {
        put(requested, new Setting(name, value));
      }
    });
    return new ClientParameters(requested);
  }

  private static void put(Map<String, Setting> requested, Setting setting) {
    requested.remove(setting.key());
    requested.put(setting.key(), setting);
  }

  /**
   * The setting a login greeted from the pool applies unverified rather than wait for a connection:
   * PostgreSQL takes any application_name, and clients vary it per connection (a pid or a host in
   * it), so verifying each value would send nearly every login to a server. The other settings
   * drivers send (client_encoding, DateStyle, TimeZone, extra_float_digits) take a few values per
   * fleet, each verified once per pool, which also teaches the pool the server's spelling of the
   * value (client_encoding utf8 is reported UTF8, DateStyle ISO as "ISO, MDY").
   */
  private static final Set<String> UNVERIFIED_SETTINGS = Set.of("application_name");

  /** The settings by lower-case name. */
  Map<String, String> values() {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < requested.length; i++) {
      values.put(keys[i], requested[i].value());
    }
    return values;
  }

  Collection<Setting> settings() {
    return List.of(requested);
  }

  /** The settings a login must have seen accepted before it is greeted from the pool. */
  List<Setting> verifiedBeforeGreeting() {
    return Arrays.stream(requested).filter(setting -> !UNVERIFIED_SETTINGS.contains(setting.key())).toList();
  }

  private boolean isRequested(String key) {
    for (String requestedKey : keys) {
      if (requestedKey.equals(key)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The statements that bring the connection to what this client asked for (empty when it is there
   * already), and records them as applied (the server's ParameterStatus replies keep the
   * connection's reported values true). One simple Query: its statements run in one implicit
   * transaction, so a refused value leaves the connection as it was.
   */
  String applyTo(ServerConnection connection) {
    if (isAppliedTo(connection.clientSettings())) {
      return ""; // the common case in transaction mode (the last holder was alike): nothing built per transaction
    }
    StringBuilder sql = new StringBuilder();
    // Transaction mode hands connections on without DISCARD ALL: what an earlier client set and this
    // one did not ask for goes back to the server's default, or it would leak to this client.
    connection.clientSettings().entrySet().removeIf(applied -> {
      if (isRequested(applied.getKey())) {
        return false;
      }
      sql.append("RESET ").append(identifier(applied.getKey())).append(';');
      return true;
    });
    for (int i = 0; i < requested.length; i++) {
      Setting setting = requested[i];
      String key = keys[i];
      String current = connection.clientSettings().getOrDefault(key, startupValue(connection, key));
      if (!setting.value().equals(current)) {
        // set_config takes the value as the startup packet gives it (a list such as search_path
        // "a, b" stays two entries, where SET 'a, b' would make it one quoted name).
        sql.append("SELECT pg_catalog.set_config(").append(literal(setting.name())).append(", ")
            .append(literal(setting.value())).append(", false);");
        connection.clientSettings().put(key, setting.value());
      }
    }
    return sql.toString();
  }

  /** Whether the connection holds exactly this client's settings already (nothing to set, nothing to reset). */
  private boolean isAppliedTo(Map<String, String> applied) {
    if (applied.size() != requested.length) {
      return false;
    }
    for (int i = 0; i < requested.length; i++) {
      if (!requested[i].value().equals(applied.get(keys[i]))) {
        return false;
      }
    }
    return true;
  }

  /**
   * What the client is told at login: the server's startup report with its own settings in place,
   * in the server's spelling where the pool has seen it (DateStyle "ISO" is reported "ISO, MDY").
   */
  Map<String, String> reported(Map<String, String> serverDefaults, AcceptedSettings accepted) {
    Map<String, String> report = new LinkedHashMap<>(serverDefaults);
    for (int i = 0; i < requested.length; i++) {
      String reported = reportedName(serverDefaults, keys[i]);
      if (reported != null) {
        report.put(reported, accepted.reportedValue(requested[i]).orElse(requested[i].value()));
      }
    }
    return report;
  }

  private static String startupValue(ServerConnection connection, String key) {
    String reported = reportedName(connection.startupParameters(), key);
    return reported == null ? null : connection.startupParameters().get(reported);
  }

  /** The server's spelling of a reported (GUC_REPORT) setting, or null when it reports no such one. */
  static String reportedName(Map<String, String> serverParameters, String name) {
    for (String known : serverParameters.keySet()) {
      if (known.equalsIgnoreCase(name)) {
        return known;
      }
    }
    return null;
  }

  /** The server's value of a reported setting, if it reports it. */
  static Optional<String> reportedValue(Map<String, String> serverParameters, String name) {
    return Optional.ofNullable(reportedName(serverParameters, name)).map(serverParameters::get);
  }

  // An escape-string literal: correct whatever standard_conforming_strings says.
  private static String literal(String text) {
    return "E'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
  }

  private static String identifier(String name) {
    return '"' + name.replace("\"", "\"\"") + '"';
  }
}
