package org.postgresml.proxy.warmup;

import io.netty.channel.ChannelHandler;
import java.net.SocketAddress;
import java.util.Optional;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.session.LocalDatabase;

/**
 * The database the warm-up's logins ask for, served by the proxy itself so that they need no server
 * connection: only the warm-up's own user may log in to it (it is the only user of the warm-up's
 * listener, which exists on loopback for the warm-up alone).
 */
final class WarmUpDatabase implements LocalDatabase {

  static final String NAME = "pgml_proxy_warm_up";

  private final String user;

  WarmUpDatabase(String user) {
    this.user = user;
  }

  @Override
  public boolean serves(String database) {
    return NAME.equals(database);
  }

  @Override
  public Optional<String> refusal(String name, SocketAddress remote, ClientAuthMethod method) {
    return user.equals(name) ? Optional.empty() : Optional.of("only the warm-up logs in to " + NAME);
  }

  @Override
  public ChannelHandler serve(BackendKeyData key) {
    return new WarmUpSession(key);
  }
}
