package org.postgresml.proxy.session;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * A client session as the admin console lists it (SHOW CLIENTS, SHOW SERVERS), read from another
 * thread: a snapshot, maybe a moment old.
 *
 * @param state what the client is doing, in PgBouncer's words: active, idle, waiting, login
 * @param sessionId identifies the session (SHOW CLIENTS' ptr, SHOW SERVERS' link)
 * @param server the server connection it holds now, or null
 */
public record ClientSnapshot(String user, String database, String state, InetSocketAddress remote,
    InetSocketAddress local, String connectedAt, String sessionId, ServerConnection server, boolean tls,
    String applicationName) {

  /** The state column: what the client is doing, as PgBouncer names it. */
  static String stateOf(ClientSession.State state) {
    return switch (state) {
      case RELAYING, SERVED_LOCALLY -> "active";
      case IDLE -> "idle";
      case CONNECTING, ACQUIRING -> "waiting";
      default -> "login";
    };
  }

  static ClientSnapshot of(Object session, Channel channel, StartupMessage login, ClientSession.State state,
      ServerConnection held, String connectedAt) {
    return new ClientSnapshot(login == null ? null : login.user(), login == null ? null : login.database(),
        stateOf(state), (InetSocketAddress) channel.remoteAddress(), (InetSocketAddress) channel.localAddress(),
        connectedAt, Integer.toHexString(System.identityHashCode(session)), held,
        channel.pipeline().get(SslHandler.class) != null,
        login == null ? null : login.parameters().get("application_name"));
  }
}
