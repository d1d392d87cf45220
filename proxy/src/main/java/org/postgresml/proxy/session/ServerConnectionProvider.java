package org.postgresml.proxy.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * Where a client session gets its server connection and gives it back. The plain relay opens one
 * per client and closes it after; the pool (issue 5) hands out warm ones and resets them on release.
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

  /** Whether clients may ask for this database (the plain relay serves only the URL's). */
  boolean serves(String database);

  /** The upstream, for messages (host:port, never credentials). */
  String describe();

  /** Cancels what the connection is running now. */
  void cancel(EventLoop loop, ServerConnection connection);
}
