package org.postgresml.proxy.warmup;

import io.netty.channel.ChannelHandler;
import java.net.SocketAddress;
import java.util.Optional;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.session.LocalDatabase;

/**
 * The warm-up's server side: a database the proxy answers itself ({@link WarmUpSession}), which the
 * warm-up's pools log in to as their upstream, so that its logins exercise the pooled path without
 * a real server. Only the warm-up's own user may log in to it (it is the only user of the warm-up's
 * listener, which exists on loopback for the warm-up alone).
 */
final class WarmUpDatabase implements LocalDatabase {

  /** The stand-in server's database. */
  static final String NAME = "pgml_proxy_warm_up";
  /** The database the warm-up's clients ask for: pooled, its pools' upstream being {@link #NAME}. */
  static final String POOLED = "pgml_proxy_warm_up_pooled";

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
