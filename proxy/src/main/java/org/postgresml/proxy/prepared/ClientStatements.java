package org.postgresml.proxy.prepared;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.protocol.frontend.Parse;

/**
 * A transaction-mode client's named prepared statements: the name the client chose, mapped to the
 * statement under its proxy-wide name. They outlive any one server connection.
 */
public final class ClientStatements {

  private final Map<String, Parse> byClientName = new HashMap<>();

  void define(String clientName, Parse underProxyName) {
    byClientName.put(clientName, underProxyName);
  }

  Optional<Parse> lookup(String clientName) {
    return Optional.ofNullable(byClientName.get(clientName));
  }

  boolean forget(String clientName) {
    return byClientName.remove(clientName) != null;
  }

  public int size() {
    return byClientName.size();
  }
}
