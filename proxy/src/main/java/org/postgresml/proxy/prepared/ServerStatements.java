package org.postgresml.proxy.prepared;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrontendMessage;

/**
 * What one server connection has prepared under proxy names, and the ParseComplete/CloseComplete
 * replies still to come, in order, with whether each goes to the client or was the proxy's own.
 * Every Parse and Close sent is expected here, so a Parse or Close the server skipped after an
 * error (the session's {@link Conversation} says which) simply takes the oldest expectation away.
 *
 * <p>What a skip leaves on the server is not always knowable: a Parse in flight is trusted only by
 * messages of its own batch (skipped with it if it is), and a statement that may or may not be
 * there (its Parse in flight in an earlier batch, or a Close of it unanswered or skipped) is
 * prepared as Close then Parse, which is right either way.
 */
public final class ServerStatements implements Conversation.SkippedStatements {

  private final int capacity;
  // Insertion order doubles as use order: a statement used again is moved to the end.
  private final LinkedHashSet<String> prepared = new LinkedHashSet<>();
  /** Statements with a Parse in flight, and the batch (Syncs sent before it) it went in. */
  private final Map<String, Long> pending = new HashMap<>();
  /** Syncs sent so far: a batch's number. */
  private long syncs;
  /** Statements the proxy closed whose Close was skipped or is unanswered: there or not. */
  private final Set<String> uncertain = new HashSet<>();
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

  /** There now, or by the time a message sent now runs: its Parse is in flight in this very batch. */
  boolean hasOrWillHave(String proxyName) {
    return prepared.contains(proxyName) || Long.valueOf(syncs).equals(pending.get(proxyName));
  }

  /** Whether preparing it needs a Close first: it may be there, or will be, from an earlier batch. */
  boolean mayHave(String proxyName) {
    return uncertain.contains(proxyName) || pending.containsKey(proxyName) || prepared.contains(proxyName);
  }

  /** A Sync went to the server: the next messages are a new batch, which an error before it cannot skip. */
  void syncSent() {
    syncs++;
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
    pending.put(proxyName, syncs);
    prepared.remove(proxyName);
    expected.addLast(new Expected(Reply.PARSE_COMPLETE, proxyName, forClient, syncs));
  }

  void unnamedParseSent() {
    expected.addLast(new Expected(Reply.PARSE_COMPLETE, null, true, syncs));
  }

  /** The proxy closes one of its statements (to make room, or before preparing it afresh). */
  void ownCloseSent(String proxyName) {
    prepared.remove(proxyName);
    uncertain.add(proxyName);
    expected.addLast(new Expected(Reply.CLOSE_COMPLETE, proxyName, false, syncs));
  }

  void closeSent(boolean forClient) {
    expected.addLast(new Expected(Reply.CLOSE_COMPLETE, null, forClient, syncs));
  }

  /** A ParseComplete or CloseComplete arrived: true when it goes on to the client. */
  boolean replyArrived(Reply reply) {
    Expected head = expected.pollFirst();
    if (head == null || head.reply != reply) {
      // Not one the proxy tracked (it tracks every Parse and Close it forwards): pass it on unchanged.
      return true;
    }
    if (head.proxyName != null && head.reply == Reply.CLOSE_COMPLETE) {
      uncertain.remove(head.proxyName); // closed: certainly not there
    } else if (head.proxyName != null) {
      if (settled(head)) {
        prepared.add(head.proxyName);
      }
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
    if (skipped == null || skipped.proxyName == null) {
      return;
    }
    if (skipped.reply == Reply.CLOSE_COMPLETE) {
      uncertain.add(skipped.proxyName); // still there, if it was
    } else {
      settled(skipped);
      catalog.failed(skipped.proxyName);
    }
  }

  /**
   * A Parse's outcome is known. False when a later Parse of the same statement is in flight (its
   * Close comes first): that one decides what is there.
   */
  private boolean settled(Expected parse) {
    if (Long.valueOf(parse.batch).equals(pending.get(parse.proxyName))) {
      pending.remove(parse.proxyName);
      return true;
    }
    return false;
  }

  /** {@code DISCARD ALL} or {@code DEALLOCATE ALL} ran on the server: nothing is prepared any more. */
  void allDropped() {
    prepared.clear();
    pending.clear();
    uncertain.clear();
  }

  public int preparedCount() {
    return prepared.size();
  }

  enum Reply { PARSE_COMPLETE, CLOSE_COMPLETE }

  private record Expected(Reply reply, String proxyName, boolean forClient, long batch) {}
}
