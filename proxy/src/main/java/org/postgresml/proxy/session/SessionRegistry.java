package org.postgresml.proxy.session;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The open client sessions, so that a shutdown can wait for them and then end them. Once
 * {@link #closeBetweenTransactions()} is called, every session ends as soon as it is between
 * transactions: those idle now at once, the others at their next transaction boundary.
 */
public final class SessionRegistry {

  private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
  /** Tells a waiting shutdown that a session left. */
  private final Object changed = new Object();
  private volatile boolean closingBetweenTransactions;
  private final LongAdder closedBetweenTransactions = new LongAdder();

  void add(ClientSession session) {
    sessions.add(session);
  }

  void remove(ClientSession session) {
    sessions.remove(session);
    synchronized (changed) {
      changed.notifyAll();
    }
  }

  /** The sessions open now, for the admin console. */
  public java.util.List<ClientSession> sessions() {
    return java.util.List.copyOf(sessions);
  }

  /** The pools clients are logged in to (or logging in to) now: these are not unused. */
  public java.util.Set<org.postgresml.proxy.pool.PoolKey> poolKeysInUse() {
    java.util.Set<org.postgresml.proxy.pool.PoolKey> keys = new java.util.HashSet<>();
    for (ClientSession session : sessions) {
      String user = session.user();
      String database = session.database();
      if (user != null && database != null) {
        keys.add(new org.postgresml.proxy.pool.PoolKey(user, database));
      }
    }
    return keys;
  }

  public int size() {
    return sessions.size();
  }

  /** From now on sessions end between transactions; the ones that are between transactions now end at once. */
  public void closeBetweenTransactions() {
    // The flag first: a session reaching a boundary after it ends itself; one idle before it is ended here.
    closingBetweenTransactions = true;
    sessions.forEach(session -> session.ending().endIfBetweenTransactions());
  }

  boolean closesBetweenTransactions() {
    return closingBetweenTransactions;
  }

  void closedBetweenTransactions() {
    closedBetweenTransactions.increment();
  }

  /** Sessions a shutdown closed between transactions, for the metrics. */
  public long closedBetweenTransactionsCount() {
    return closedBetweenTransactions.sum();
  }

  /** Waits until no session is open or the timeout passes; true when none is left. */
  public boolean awaitEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (changed) {
      for (long left = timeout.toNanos(); !sessions.isEmpty() && left > 0; left = deadline - System.nanoTime()) {
        TimeUnit.NANOSECONDS.timedWait(changed, left);
      }
    }
    return sessions.isEmpty();
  }

  /** Ends every session with the given FATAL error (SQLSTATE 57P01 at shutdown). */
  public void terminateAll(String sqlState, String message) {
    sessions.forEach(session -> session.ending().terminate(sqlState, message));
  }
}
