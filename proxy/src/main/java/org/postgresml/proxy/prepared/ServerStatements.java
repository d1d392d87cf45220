package org.postgresml.proxy.prepared;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrontendMessage;

/**
 * What one server connection has prepared under proxy names, and the ParseComplete/CloseComplete
 * replies still to come, in order, with whether each goes to the client or was the proxy's own.
 * Every Parse and Close sent is expected here, so a Parse or Close the server skipped after an
 * error (the session's {@link Conversation} says which) simply takes the oldest expectation away.
 */
public final class ServerStatements implements Conversation.SkippedStatements {

  private final int capacity;
  // Insertion order doubles as use order: a statement used again is moved to the end.
  private final LinkedHashSet<String> prepared = new LinkedHashSet<>();
  private final Set<String> pending = new HashSet<>();
  private final ArrayDeque<Expected> expected = new ArrayDeque<>();
  /** The pool's record of statements that parse: told of each outcome on this connection. */
  private PreparedCatalog catalog = PreparedCatalog.NONE;

  public ServerStatements(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1");
    }
    this.capacity = capacity;
  }

  /** Reports every Parse outcome on this connection to its pool's catalog from now on. */
  public void reportTo(PreparedCatalog poolCatalog) {
    catalog = poolCatalog;
  }

  boolean hasOrWillHave(String proxyName) {
    return prepared.contains(proxyName) || pending.contains(proxyName);
  }

  void used(String proxyName) {
    if (prepared.remove(proxyName)) {
      prepared.add(proxyName);
    }
  }

  /** Makes room for one more statement: the least recently used one to close first, when full. */
  Optional<String> evictForOneMore() {
    if (prepared.size() + pending.size() < capacity || prepared.isEmpty()) {
      return Optional.empty();
    }
    Iterator<String> oldest = prepared.iterator();
    String evicted = oldest.next();
    oldest.remove();
    return Optional.of(evicted);
  }

  /** Records a Parse sent under a proxy name. */
  void parseSent(String proxyName, boolean forClient) {
    pending.add(proxyName);
    expected.addLast(new Expected(Reply.PARSE_COMPLETE, proxyName, forClient));
  }

  void unnamedParseSent() {
    expected.addLast(new Expected(Reply.PARSE_COMPLETE, null, true));
  }

  void closeSent(boolean forClient) {
    expected.addLast(new Expected(Reply.CLOSE_COMPLETE, null, forClient));
  }

  /** A ParseComplete or CloseComplete arrived: true when it goes on to the client. */
  boolean replyArrived(Reply reply) {
    Expected head = expected.pollFirst();
    if (head == null || head.reply != reply) {
      // Not one the proxy tracked (it tracks every Parse and Close it forwards): pass it on unchanged.
      return true;
    }
    if (head.proxyName != null) {
      pending.remove(head.proxyName);
      prepared.add(head.proxyName);
      catalog.parsed(head.proxyName);
    }
    return head.forClient;
  }

  /**
   * The server skipped the oldest Parse or Close after an error: its reply will not come, and a
   * statement it was to prepare is not there.
   */
  @Override
  public void skipped(FrontendMessage message) {
    Expected skipped = expected.pollFirst();
    if (skipped != null && skipped.proxyName != null) {
      pending.remove(skipped.proxyName);
      if (skipped.reply == Reply.PARSE_COMPLETE) {
        catalog.failed(skipped.proxyName);
      }
    }
  }

  /** {@code DISCARD ALL} or {@code DEALLOCATE ALL} ran on the server: nothing is prepared any more. */
  void allDropped() {
    prepared.clear();
    pending.clear();
  }

  public int preparedCount() {
    return prepared.size();
  }

  enum Reply { PARSE_COMPLETE, CLOSE_COMPLETE }

  private record Expected(Reply reply, String proxyName, boolean forClient) {}
}
