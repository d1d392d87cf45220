package org.postgresml.proxy.session;

import java.net.SocketAddress;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * One log line per connection event, each with the client's address, user, database and the time
 * since connect as key-value pairs (text or JSON by the log format). Never a password.
 */
final class SessionEvents {

  private static final Logger LOG = LoggerFactory.getLogger("org.postgresml.proxy.session");

  private final long connectedAt = System.nanoTime();
  private final java.time.Instant connectedTime = java.time.Instant.now();
  /**
   * log.connections: a session's start and end at INFO (else DEBUG), as PgBouncer's log_connections;
   * read at each line, so a reload applies to sessions already open.
   */
  private final BooleanSupplier logConnections;
  /** The channel's own (cached) address object, spelled out only when a line is logged. */
  private SocketAddress client;
  /** A session refused in a way clients repeat (see RefusalLog): its end is no line of its own. */
  private boolean quiet;
  private String user;
  private String database;

  SessionEvents(BooleanSupplier logConnections) {
    this.logConnections = logConnections;
  }

  java.time.Instant connectedAt() {
    return connectedTime;
  }

  void connected(SocketAddress remote) {
    client = remote;
    event(LOG.atDebug()).log("client connected");
  }

  void identified(String user, String database) {
    this.user = user;
    this.database = database;
  }

  void authenticated() {
    event(LOG.atDebug()).log("client authenticated");
  }

  void authenticationFailed(String reason) {
    event(LOG.atWarn()).addKeyValue("reason", reason).log("client authentication failed");
  }

  /** Logged in; {@code backendPid} is null where no backend is the client's own (transaction mode). */
  void sessionStarted(String upstream, Integer backendPid) {
    LoggingEventBuilder line = event(connectionLevel()).addKeyValue("upstream", upstream);
    if (backendPid != null) {
      line.addKeyValue("backend_pid", backendPid);
    }
    line.log("client session started");
  }

  void upstreamFailed(Throwable cause) {
    event(LOG.atWarn()).addKeyValue("reason", cause.getMessage()).log("upstream connection failed");
  }

  void upstreamClosed() {
    event(LOG.atInfo()).log("upstream closed the session");
  }

  void cancelForwarded() {
    event(LOG.atInfo()).log("cancel request forwarded");
  }

  void fatal(String sqlState, String message) {
    event(LOG.atInfo()).addKeyValue("sqlstate", sqlState).addKeyValue("error", message).log("client refused");
  }

  void quiet() {
    quiet = true;
  }

  void socketError(Throwable cause) {
    event(LOG.atDebug()).addKeyValue("reason", cause.getMessage()).log("client socket error");
  }

  void unexpected(Throwable cause) {
    event(LOG.atWarn()).setCause(cause).log("unexpected error in client session");
  }

  void disconnected() {
    // A connection that never named a user (a CancelRequest, a probe, a silent socket) is no client
    // session: at INFO a flood of them would be a flood of lines. CancelOutcomes sums cancels up.
    event(user == null || quiet ? LOG.atDebug() : connectionLevel()).log("client disconnected");
  }

  private LoggingEventBuilder connectionLevel() {
    return logConnections.getAsBoolean() ? LOG.atInfo() : LOG.atDebug();
  }

  private LoggingEventBuilder event(LoggingEventBuilder builder) {
    builder.addKeyValue("client", client == null ? "?" : String.valueOf(client));
    if (user != null) {
      builder.addKeyValue("user", user).addKeyValue("database", database);
    }
    return builder.addKeyValue("duration_ms", (System.nanoTime() - connectedAt) / 1_000_000);
  }
}
