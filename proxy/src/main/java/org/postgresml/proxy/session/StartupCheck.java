package org.postgresml.proxy.session;

import java.net.SocketAddress;
import java.util.Optional;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;

/**
 * What a StartupMessage must pass before the proxy asks for a password: a user name, no
 * replication, room under {@code max_client_conn}, a database this proxy serves, and admin rights
 * for the admin console (with client auth trust: a configured user, and the console only from
 * loopback). A refusal carries the SQLSTATE and message PostgreSQL would use.
 */
final class StartupCheck {

  /** Why a login is refused before authentication. */
  record Refusal(String sqlState, String message, String hint, boolean repeatable) {
    Refusal(String sqlState, String message) {
      this(sqlState, message, null, false);
    }

    /** The FATAL the client gets. */
    ErrorResponse toError() {
      ErrorResponse error = ErrorResponse.fatal(sqlState, message);
      if (hint == null) {
        return error;
      }
      java.util.Map<Character, String> fields = new java.util.LinkedHashMap<>(error.fields());
      fields.put(ErrorResponse.HINT, hint);
      return new ErrorResponse(fields);
    }
  }

  /**
   * Replication (a logical-replication subscription, pg_basebackup, pg_receivewal) is not relayed:
   * said clearly, with the way out, and logged once per interval however fast a driver retries.
   */
  static final Refusal REPLICATION = new Refusal(SqlState.FEATURE_NOT_SUPPORTED,
      "replication connections are not supported by pgml-proxy",
      "Connect replication (CREATE SUBSCRIPTION, pg_basebackup, pg_receivewal) to the upstream directly;"
          + " retrying through the proxy cannot succeed, so back off rather than retry at once.", true);

  private StartupCheck() {}

  static Optional<Refusal> check(StartupMessage message, SocketAddress remote, SessionContext context) {
    String user = message.user();
    String replicationValue = message.parameter(ReplicationMode.PARAMETER);
    Optional<ReplicationMode> replication = ReplicationMode.parse(replicationValue);
    if (replication.isEmpty()) {
      return refuse(SqlState.INVALID_PARAMETER_VALUE, ReplicationMode.invalidValueMessage(replicationValue));
    }
    if (user == null || user.isEmpty()) {
      return refuse(SqlState.INVALID_AUTHORIZATION, "no PostgreSQL user name specified in startup packet");
    }
    if (replication.get() != ReplicationMode.NONE) {
      return Optional.of(REPLICATION);
    }
    boolean adminDatabase = context.localDatabase().serves(message.database());
    // Logged-in clients only: sockets still logging in have their own bound (ConnectionLimits).
    Optional<String> full = context.connectionLimits().wouldRefuse(adminDatabase);
    if (full.isPresent()) {
      return refuse(SqlState.TOO_MANY_CONNECTIONS, full.get());
    }
    Optional<ClientAuthMethod> userMethod = context.users().methodFor(user, remote,
        context.settings().clientAuthMethod());
    if (userMethod.isEmpty()) {
      // PostgreSQL's "no pg_hba.conf entry for host …": this user may not log in from there.
      return refuse(SqlState.INVALID_AUTHORIZATION, "no clientAuth entry for host \"" + host(remote)
          + "\", user \"" + user + "\"");
    }
    ClientAuthMethod method = userMethod.get();
    if (adminDatabase) {
      Optional<String> notAdmin = context.localDatabase().refusal(user, remote, method);
      if (notAdmin.isPresent()) {
        return refuse(SqlState.INVALID_AUTHORIZATION, notAdmin.get());
      }
    }
    if (method == ClientAuthMethod.TRUST && !context.users().exists(user)) {
      // trust skips the password, not the user list: as PostgreSQL, a role must exist.
      return refuse(SqlState.INVALID_AUTHORIZATION, "role \"" + user + "\" does not exist");
    }
    return Optional.empty();
  }

  private static String host(SocketAddress remote) {
    return remote instanceof java.net.InetSocketAddress address && address.getAddress() != null
        ? address.getAddress().getHostAddress() : String.valueOf(remote);
  }

  private static Optional<Refusal> refuse(String sqlState, String message) {
    return Optional.of(new Refusal(sqlState, message));
  }
}
