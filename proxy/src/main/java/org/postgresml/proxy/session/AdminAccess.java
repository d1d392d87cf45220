package org.postgresml.proxy.session;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.postgresml.proxy.admin.AdminConsole;
import org.postgresml.proxy.config.ClientAuthMethod;

/**
 * Who may log in to the admin console ({@code pgml_proxy}) and the console they reach: one of the
 * admin users; with client auth trust, where a name proves nothing, only from this host (loopback:
 * {@code kubectl exec} into the pod, or a sidecar).
 */
public final class AdminAccess {

  private final Supplier<List<String>> adminUsers;
  private final AdminConsole console;

  public AdminAccess(Supplier<List<String>> adminUsers, AdminConsole console) {
    this.adminUsers = adminUsers;
    this.console = console;
  }

  /** Why this login may not use the console; empty when it may. */
  Optional<String> refusal(String user, SocketAddress remote, ClientAuthMethod method) {
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

  AdminConsole console() {
    return console;
  }
}
