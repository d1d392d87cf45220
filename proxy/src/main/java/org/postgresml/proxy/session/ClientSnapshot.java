package org.postgresml.proxy.session;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import org.postgresml.proxy.admin.AdminContext.ConnectionInfo;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/** A client session as one line of SHOW CLIENTS, in PgBouncer's columns. */
final class ClientSnapshot {

  private ClientSnapshot() {}

  /** The state column: what the client is doing, as PgBouncer names it. */
  static String stateOf(ClientSession.State state) {
    return switch (state) {
      case RELAYING, ADMIN -> "active";
      case IDLE -> "idle";
      case CONNECTING, ACQUIRING -> "waiting";
      default -> "login";
    };
  }

  static ConnectionInfo of(Object session, Channel channel, StartupMessage login, ClientSession.State state,
      ServerConnection held, String connectedAt) {
    InetSocketAddress remote = (InetSocketAddress) channel.remoteAddress();
    InetSocketAddress local = (InetSocketAddress) channel.localAddress();
    return new ConnectionInfo("C",
        login == null ? null : login.user(), login == null ? null : login.database(), stateOf(state),
        remote == null ? null : remote.getAddress().getHostAddress(), remote == null ? 0 : remote.getPort(),
        local == null ? null : local.getAddress().getHostAddress(), local == null ? 0 : local.getPort(),
        connectedAt, null, 0, Integer.toHexString(System.identityHashCode(session)),
        held == null ? null : Integer.toHexString(System.identityHashCode(held)),
        held == null ? null : held.backendKey().processId(),
        channel.pipeline().get(SslHandler.class) == null ? "" : "TLS",
        login == null ? null : login.parameters().get("application_name"));
  }
}
