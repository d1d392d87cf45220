package org.postgresml.proxy.admin;

import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.session.LocalDatabase;

/**
 * Who may log in to the admin console ({@code pgml_proxy}) and the console they reach: one of the
 * admin users; with client auth trust, where a name proves nothing, only from this host (loopback:
 * {@code kubectl exec} into the pod, or a sidecar).
 */
public final class AdminAccess implements LocalDatabase {

  private final Supplier<List<String>> adminUsers;
  private final AdminConsole console;

  public AdminAccess(Supplier<List<String>> adminUsers, AdminConsole console) {
    this.adminUsers = adminUsers;
    this.console = console;
  }

  @Override
  public boolean serves(String database) {
    return AdminConsole.DATABASE.equals(database);
  }

  @Override
  public Optional<String> refusal(String user, SocketAddress remote, ClientAuthMethod method) {
    if (!adminUsers.get().contains(user)) {
      return Optional.of("user \"" + user + "\" is not an admin of the proxy");
    }
    if (method == ClientAuthMethod.TRUST && !isLoopback(remote)) {
      return Optional.of("with client auth trust the admin console accepts only connections from this host"
          + " (loopback)");
    }
    return Optional.empty();
  }

  private static boolean isLoopback(SocketAddress remote) {
    return remote instanceof InetSocketAddress address && address.getAddress() != null
        && address.getAddress().isLoopbackAddress();
  }

  @Override
  public ChannelHandler serve(BackendKeyData key) {
    return new AdminSession(console, key);
  }
}
