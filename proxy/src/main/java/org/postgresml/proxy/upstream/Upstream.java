package org.postgresml.proxy.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import org.postgresml.proxy.protocol.backend.BackendKeyData;

/**
 * Where server connections come from: logs them in to the upstream and sends it CancelRequests.
 * {@link UpstreamConnector} is the real one; the pools see only this, so a test can hand them
 * connections of its own.
 */
public interface Upstream {

  /**
   * A logged-in connection to {@code database} on {@code loop}; fails with an {@link UpstreamException}
   * naming the upstream host.
   */
  Future<ServerConnection> connect(EventLoop loop, String database);

  /** Sends a CancelRequest for the backend with this key. */
  Future<Void> cancel(EventLoop loop, BackendKeyData upstreamKey);

  /** host:port, for messages; never credentials. */
  String address();
}
