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
 * Every Parse, Bind and Close sent is expected here, so one the server skipped after an error (the
 * session's {@link Conversation} says which) simply takes the oldest expectation away.
 *
 * <p>What a skip leaves on the server is not always knowable: a Parse in flight is trusted only by
 * messages of its own batch (skipped with it if it is), and a statement that may be there (its
 * Parse in flight in an earlier batch, a Close of it unanswered or skipped, reported stale) is
 * prepared as Close then Parse, which is right either way.
 */
public final class ServerStatements implements Conversation.SkippedStatements {

  private final int capacity;
  // Insertion order doubles as use order: a statement used again is moved to the end.
  private final LinkedHashSet<String> prepared = new LinkedHashSet<>();
  /** Statements with a Parse in flight: the latest one sent (it decides what will be there). */
  private final Map<String, Expected> pending = new HashMap<>();
  private final ArrayDeque<Expected> expected = new ArrayDeque<>();
  /** Syncs sent so far: a batch's number. */
  private long syncs;
  /** Statements the proxy closed whose Close was skipped or is unanswered: there or not. */
  private final Set<String> uncertain = new HashSet<>();
  /**
   * Binds sent and not yet answered, oldest first, with the proxy name each bound (null for the
   * unnamed statement or a name the client never prepared): an error at a Bind is the oldest's.
   */
  private final ArrayDeque<BoundStatement> binds = new ArrayDeque<>();
  /** Statements the server reported stale (their table changed): closed there before they are prepared again. */
  private final Set<String> stale = new HashSet<>();
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
    Expected parse = pending.get(proxyName);
    return prepared.contains(proxyName) || parse != null && parse.batch == syncs;
  }

  /** Whether preparing it needs a Close first: it may be there, now or later, or is there but stale. */
  boolean mayHave(String proxyName) {
    return uncertain.contains(proxyName) || pending.containsKey(proxyName) || stale.contains(proxyName)
        || prepared.contains(proxyName);
  }

  /**
   * A Sync went to the server (the session's {@link Conversation} says so): the next messages are a
   * new batch, which an error before it cannot skip.
   */
  @Override
  public void syncSent() {
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
    Expected parse = new Expected(Reply.PARSE_COMPLETE, proxyName, forClient, syncs);
    pending.put(proxyName, parse);
    prepared.remove(proxyName);
    expected.addLast(parse);
  }

  void unnamedParseSent() {
    expected.addLast(new Expected(Reply.PARSE_COMPLETE, null, true, syncs));
  }

  void closeSent(boolean forClient) {
    expected.addLast(new Expected(Reply.CLOSE_COMPLETE, null, forClient, syncs));
  }

  /** The proxy closes one of its statements (to make room, or before preparing it afresh). */
  void ownCloseSent(String proxyName) {
    prepared.remove(proxyName);
    stale.remove(proxyName);
    uncertain.add(proxyName);
    expected.addLast(new Expected(Reply.CLOSE_COMPLETE, proxyName, false, syncs));
  }

  /** A client parses a statement again that is (or will be) here: it is closed and prepared afresh. */
  void forgetForReprepare(String proxyName) {
    prepared.remove(proxyName);
    uncertain.add(proxyName);
  }

  /** A Bind went to the server, of this proxy-named statement (null: of another). */
  void bindSent(String proxyName) {
    binds.addLast(new BoundStatement(proxyName));
  }

  /** A BindComplete arrived: the oldest Bind succeeded. */
  void bindCompleted() {
    binds.pollFirst();
  }

  /**
   * The server refused the oldest unanswered Bind because its statement no longer fits the tables
   * under it (an {@code ALTER TABLE … TYPE}, a drop and re-create): the statement is forgotten here
   * and in the pool's catalog, and is closed and prepared again at its next use on this connection.
   */
  void staleReported() {
    BoundStatement head = binds.peekFirst();
    if (head != null && head.proxyName != null && prepared.remove(head.proxyName)) {
      stale.add(head.proxyName);
      catalog.failed(head.proxyName);
    }
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
   * The server skipped the oldest Parse, Bind or Close after an error (or it was the one that
   * failed): its reply will not come, and a statement it was to prepare is not there.
   */
  @Override
  public void skipped(FrontendMessage message) {
    if (message == FrontendMessage.BIND) {
      binds.pollFirst();
      return;
    }
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
   * A Parse's outcome is known. False when a later Parse of the same statement is in flight (a
   * Close goes ahead of it): that one decides what is there.
   */
  private boolean settled(Expected parse) {
    if (pending.get(parse.proxyName) == parse) {
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
    stale.clear();
    // Every Parse still unanswered was sent behind it (replies come in order): it still defines its
    // statement (else it would be parsed a second time, and fail with 42P05). Oldest first: the
    // latest of one statement is the one that decides.
    for (Expected next : expected) {
      if (next.proxyName != null && next.reply == Reply.PARSE_COMPLETE) {
        pending.put(next.proxyName, next);
      }
    }
  }

  public int preparedCount() {
    return prepared.size();
  }

  enum Reply { PARSE_COMPLETE, CLOSE_COMPLETE }

  // Compared by identity in settled(): two Parses of one statement in one batch are two expectations.
  private static final class Expected {
    final Reply reply;
    final String proxyName;
    final boolean forClient;
    final long batch;

    Expected(Reply reply, String proxyName, boolean forClient, long batch) {
      this.reply = reply;
      this.proxyName = proxyName;
      this.forClient = forClient;
      this.batch = batch;
    }
  }

  private record BoundStatement(String proxyName) {}
}
