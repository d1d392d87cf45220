package org.postgresml.proxy.prepared;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.frontend.Parse;

/**
 * A transaction-mode client's named prepared statements: the name the client chose, mapped to the
 * statement under its proxy-wide name. They outlive any one server connection, so they are bounded
 * in number and in text (limits.maxPreparedStatements, and one message's worth of query text).
 */
public final class ClientStatements {

  /** The shared empty map until the first statement: most clients never prepare one by name. */
  private Map<String, Parse> byClientName = Collections.emptyMap();
  private final int maxStatements;
  private final long maxTextChars;
  private long textChars;

  /** Unbounded, for tests of renaming alone. */
  public ClientStatements() {
    this(Integer.MAX_VALUE, Long.MAX_VALUE);
  }

  public ClientStatements(int maxStatements, long maxTextChars) {
    this.maxStatements = maxStatements;
    this.maxTextChars = maxTextChars;
  }

  /** Defines or redefines a statement; past a limit nothing changes and the client is refused. */
  void define(String clientName, Parse underProxyName) {
    Parse replaced = byClientName.get(clientName);
    if (replaced == null && byClientName.size() >= maxStatements) {
      throw new LimitExceededException("too many prepared statements: this client holds " + byClientName.size()
          + " (limits.maxPreparedStatements); close some before preparing more");
    }
    long text = textChars - (replaced == null ? 0 : replaced.query().length()) + underProxyName.query().length();
    if (text > maxTextChars) {
      throw new LimitExceededException("prepared statements of this client would hold " + text
          + " characters of query text, more than limits.maxMessageSize allows; close some before preparing more");
    }
    if (byClientName.isEmpty()) {
      byClientName = new HashMap<>();
    }
    byClientName.put(clientName, underProxyName);
    textChars = text;
  }

  Optional<Parse> lookup(String clientName) {
    return Optional.ofNullable(byClientName.get(clientName));
  }

  boolean forget(String clientName) {
    Parse removed = byClientName.remove(clientName);
    if (removed != null) {
      textChars -= removed.query().length();
    }
    return removed != null;
  }

  public int size() {
    return byClientName.size();
  }
}
