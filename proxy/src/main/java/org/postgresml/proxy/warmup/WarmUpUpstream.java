package org.postgresml.proxy.warmup;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.Upstream;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * The warm-up pools' upstream: the warm-up's own listener, logged in to as its stand-in server's
 * database whatever database a pool is for (so no pool ever reaches another pool). Known once the
 * listener is bound.
 */
final class WarmUpUpstream implements Upstream {

  private volatile UpstreamConnector listener;

  void connectTo(UpstreamConnector warmUpListener) {
    this.listener = warmUpListener;
  }

  @Override
  public Future<ServerConnection> connect(EventLoop loop, String database) {
    UpstreamConnector connector = listener;
    if (connector == null) {
      return loop.newFailedFuture(new UpstreamException(SqlState.UNABLE_TO_CONNECT, "the warm-up has not begun"));
    }
    return connector.connect(loop, WarmUpDatabase.NAME);
  }

  @Override
  public Future<Void> cancel(EventLoop loop, BackendKeyData upstreamKey) {
    UpstreamConnector connector = listener;
    return connector == null ? loop.newSucceededFuture(null) : connector.cancel(loop, upstreamKey);
  }

  @Override
  public String address() {
    return "the login warm-up's listener";
  }
}
