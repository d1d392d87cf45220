package org.postgresml.proxy.session;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.UpstreamConnector;

/** No pool: every client gets its own new upstream connection, closed when the client leaves. */
public final class DirectConnectionProvider implements ServerConnectionProvider {

  private final UpstreamConnector connector;

  public DirectConnectionProvider(UpstreamConnector connector) {
    this.connector = connector;
  }

  @Override
  public Future<ServerConnection> acquire(EventLoop loop, StartupMessage client) {
    return connector.connect(loop, client.parameters());
  }

  @Override
  public void release(ServerConnection connection, boolean clean) {
    connection.close();
  }

  @Override
  public boolean serves(String database) {
    return connector.database().equals(database);
  }

  @Override
  public String describe() {
    return connector.address();
  }

  @Override
  public void cancel(EventLoop loop, ServerConnection connection) {
    connector.cancel(loop, connection.backendKey());
  }
}
