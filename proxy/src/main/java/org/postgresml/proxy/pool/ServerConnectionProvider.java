package org.postgresml.proxy.pool;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.prepared.PreparedCatalog;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * Where a client session gets its server connection and gives it back. The pools hand out warm
 * connections and reset (session mode) or simply take back (transaction mode) what clients return.
 */
public interface ServerConnectionProvider {

  /** A logged-in server connection for this client; fails with an UpstreamException. */
  Future<ServerConnection> acquire(EventLoop loop, StartupMessage client);

  /**
   * The client is done with the connection.
   *
   * @param clean false when it left mid-transaction, mid-COPY or after a protocol error: never reuse
   */
  void release(ServerConnection connection, boolean clean);

  /**
   * A logged-in client joins its pool (made now if it is new): empty, or why it cannot (the pool cap
   * is reached), before anything of the pool is made for it.
   */
  default java.util.Optional<String> admit(StartupMessage client) {
    return java.util.Optional.empty();
  }

  /** The upstream, for messages (host:port, never credentials). */
  String describe();

  /** How long a client holds a server connection: its whole session, or one transaction. */
  PoolMode mode();

  /** The meters of the pool this client's connections come from (transactions, queries, bytes). */
  PoolMetrics meters(StartupMessage client);

  /** The startup settings this client's pool has applied before without an error. */
  AcceptedSettings acceptedSettings(StartupMessage client);

  /** The statements this client's pool has parsed without an error (transaction mode's prepared statements). */
  PreparedCatalog catalog(StartupMessage client);

  /**
   * The session defaults the server reported at login (ParameterStatus) for this client's pool, once
   * one of its connections has logged in; empty before.
   */
  java.util.Optional<java.util.Map<String, String>> serverDefaults(StartupMessage client);

  /** Cancels what the connection is running now. */
  void cancel(EventLoop loop, ServerConnection connection);
}
