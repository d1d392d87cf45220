package org.postgresml.proxy.session;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.postgresml.proxy.pool.AcceptedSettings;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * Applies a client's startup settings to a server connection and waits for the server's verdict,
 * for a login whose settings its pool has not seen accepted ({@link AcceptedSettings}): PostgreSQL
 * refuses a bad startup setting before the client is logged in, so the proxy must know before it
 * answers the login. Accepted settings are recorded with the values the server reported for them.
 */
final class SettingsVerification {

  private SettingsVerification() {}

  /** {@code verdict} gets the server's error, or empty; it runs on the connection's event loop. */
  static void run(ServerConnection connection, ClientParameters parameters, AcceptedSettings accepted,
      Consumer<Optional<ErrorResponse>> verdict) {
    Map<String, String> before = new HashMap<>(connection.clientSettings());
    String sql = parameters.applyTo(connection);
    if (sql.isEmpty()) {
      record(connection, parameters, accepted);
      verdict.accept(Optional.empty());
      return;
    }
    connection.runInternal(sql, error -> {
      if (error.isPresent()) {
        // One Query, one implicit transaction: the server rolled every setting of it back.
        connection.clientSettings().clear();
        connection.clientSettings().putAll(before);
      } else {
        record(connection, parameters, accepted);
      }
      verdict.accept(error);
    });
  }

  private static void record(ServerConnection connection, ClientParameters parameters, AcceptedSettings accepted) {
    Map<String, String> reported = connection.parameters();
    for (ClientParameters.Setting setting : parameters.settings()) {
      accepted.accepted(setting, ClientParameters.reportedValue(reported, setting.name()).orElse(null));
    }
  }
}
