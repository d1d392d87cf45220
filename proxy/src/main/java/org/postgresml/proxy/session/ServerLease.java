package org.postgresml.proxy.session;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.function.Consumer;
import org.postgresml.proxy.async.EventLoops;
import org.postgresml.proxy.pool.ServerConnectionProvider;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.ServerListener;

/**
 * The server connection a client session holds: asked for on the client's event loop, attached
 * so that its frames reach the session, given back. The connection may live on another loop: its
 * own methods hop there in the order they were called, and the session hops back onto its loop
 * for what the connection tells it. Used on the client's loop only (SHOW SERVERS reads
 * {@link #held()} from another thread).
 */
final class ServerLease {

  private final ServerConnectionProvider servers;
  private final Channel client;
  /** Told, on the client's loop, when a server refuses a startup setting sent ahead of the client's messages. */
  private final Consumer<ErrorResponse> settingsRefused;
  private volatile ServerConnection held;

  ServerLease(ServerConnectionProvider servers, Channel client, Consumer<ErrorResponse> settingsRefused) {
    this.servers = servers;
    this.client = client;
    this.settingsRefused = settingsRefused;
  }

  /**
   * Asks the pool for a connection. A wait pauses the client's reads until one comes (what arrived
   * meanwhile waits in the session); a warm connection handed out at once needs no pause, and no
   * two epoll_ctl calls per transaction.
   */
  Future<ServerConnection> acquire(StartupMessage startup) {
    Future<ServerConnection> acquired = servers.acquire(client.eventLoop(), startup);
    if (!acquired.isDone()) {
      client.config().setAutoRead(false);
    }
    return acquired;
  }

  /**
   * Holds the connection and routes its frames to {@code listener}. The client's startup settings,
   * when the connection lacks them, go ahead of the client's own messages (no round trip); a value
   * the server refuses drops the connection (never reused) and ends the session.
   */
  void attach(ServerConnection connection, ServerListener listener, String settings) {
    held = connection;
    if (!settings.isEmpty()) {
      connection.runInternal(settings, error -> error.ifPresent(refused -> EventLoops.run(client.eventLoop(), () -> {
        dropIfHeld(connection);
        settingsRefused.accept(refused);
      })));
    }
    connection.attach(listener);
  }

  /** The connection held now, if any. */
  ServerConnection held() {
    return held;
  }

  /** Between transactions: the held connection owes nothing and goes back to its pool; the client reads on. */
  void giveBack() {
    ServerConnection connection = held;
    held = null;
    connection.detach();
    servers.release(connection, true);
    client.config().setAutoRead(true);
  }

  /** A connection this session got but does not hold (it only answered the login, or came too late). */
  void giveBackUnheld(ServerConnection connection, boolean clean) {
    servers.release(connection, clean);
  }

  /** Drops the connection if it is still the one held: never reused. */
  private void dropIfHeld(ServerConnection connection) {
    if (held == connection) {
      held = null;
      servers.release(connection, false);
    }
  }

  /**
   * The session ended.
   *
   * @param clean the connection owes nothing and holds no transaction: it may serve someone else
   */
  void end(boolean clean) {
    ServerConnection connection = held;
    if (connection != null) {
      held = null;
      servers.release(connection, clean);
    }
  }

  /** Cancels what the held connection runs now. */
  void cancel() {
    ServerConnection connection = held;
    if (connection != null) {
      servers.cancel(client.eventLoop(), connection);
    }
  }

  /** Where connections come from, for messages (host:port, never credentials). */
  String upstream() {
    return servers.describe();
  }
}
