package org.postgresml.proxy.prepared;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What one server connection has prepared under proxy names, and the ParseComplete/CloseComplete
 * replies still to come, in order, with whether each goes to the client or was the proxy's own.
 */
public final class ServerStatements {

  private final int capacity;
  // Insertion order doubles as use order: a statement used again is moved to the end.
  private final LinkedHashSet<String> prepared = new LinkedHashSet<>();
  private final Set<String> pending = new HashSet<>();
  private final ArrayDeque<Expected> expected = new ArrayDeque<>();
  /**
   * Batches (each ended by a Query or Sync, answered by one ReadyForQuery) sent and answered so far.
   * Clients pipeline (pgjdbc sends BEGIN as a Query with the next Parse/Bind/Sync behind it), so a
   * ReadyForQuery ends only the oldest batch, never the expectations of the ones sent after it.
   */
  private long batchesSent;
  private long batchesEnded;
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
    expected.addLast(new Expected(Reply.PARSE_COMPLETE, proxyName, forClient, batchesSent));
  }

  void unnamedParseSent() {
    expected.addLast(new Expected(Reply.PARSE_COMPLETE, null, true, batchesSent));
  }

  void closeSent(boolean forClient) {
    expected.addLast(new Expected(Reply.CLOSE_COMPLETE, null, forClient, batchesSent));
  }

  /** A Bind went to the server, of this proxy-named statement (null: of another). */
  void bindSent(String proxyName) {
    binds.addLast(new BoundStatement(proxyName, batchesSent));
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

  /** Whether this statement must be closed on the server before it is prepared again (and forgets that). */
  boolean takeStale(String proxyName) {
    return stale.remove(proxyName);
  }

  /** The proxy closes this statement to prepare it again at once. */
  void closedForReprepare(String proxyName) {
    prepared.remove(proxyName);
    stale.remove(proxyName);
  }

  /** A Query or Sync went to the server: it closes the batch in progress. */
  void batchSent() {
    batchesSent++;
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
   * ReadyForQuery: the oldest batch is over. Its replies still expected will not come (an error made
   * the server skip to Sync), so their statements were not prepared; later batches keep theirs.
   */
  void batchEnded() {
    long ended = batchesEnded;
    batchesEnded = Math.min(batchesEnded + 1, batchesSent);
    while (!expected.isEmpty() && expected.peekFirst().batch <= ended) {
      Expected skipped = expected.pollFirst();
      if (skipped.proxyName != null) {
        pending.remove(skipped.proxyName);
        if (skipped.reply == Reply.PARSE_COMPLETE) {
          catalog.failed(skipped.proxyName);
        }
      }
    }
    while (!binds.isEmpty() && binds.peekFirst().batch <= ended) {
      binds.pollFirst(); // skipped after an error: never answered
    }
  }

  /** {@code DISCARD ALL} or {@code DEALLOCATE ALL} ran on the server: nothing is prepared any more. */
  void allDropped() {
    prepared.clear();
    pending.clear();
    stale.clear();
    // Its reply arrives while its own batch is the oldest unanswered one: a Parse the client
    // pipelined behind it, in a later batch, still defines its statement (else it would be parsed
    // a second time, and fail with 42P05).
    for (Expected next : expected) {
      if (next.proxyName != null && next.reply == Reply.PARSE_COMPLETE && next.batch > batchesEnded) {
        pending.add(next.proxyName);
      }
    }
  }

  public int preparedCount() {
    return prepared.size();
  }

  enum Reply { PARSE_COMPLETE, CLOSE_COMPLETE }

  private record Expected(Reply reply, String proxyName, boolean forClient, long batch) {}

  private record BoundStatement(String proxyName, long batch) {}
}
