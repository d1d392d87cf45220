package org.postgresml.proxy.session;

import io.netty.channel.ChannelHandler;
import java.net.SocketAddress;
import java.util.Optional;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.protocol.backend.BackendKeyData;

/**
 * A database the proxy answers for itself (the admin console's): who may log in to it, and the
 * handler that serves a client once it has. Its logins take no server connection. The session
 * knows it only through this interface, so it depends on no console.
 */
public interface LocalDatabase {

  /** Whether a login to this database is one for this service. */
  boolean serves(String database);

  /** Why this login may not use it; empty when it may. */
  Optional<String> refusal(String user, SocketAddress remote, ClientAuthMethod method);

  /**
   * The handler that takes the logged-in client over: it finishes the login's answer (with this
   * cancel key) and answers every frame from then on.
   */
  ChannelHandler serve(BackendKeyData key);
}
