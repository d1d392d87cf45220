package org.postgresml.proxy.session;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The open client sessions, so that a shutdown can wait for them and then end them. */
public final class SessionRegistry {

  private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();

  void add(ClientSession session) {
    sessions.add(session);
  }

  void remove(ClientSession session) {
    sessions.remove(session);
  }

  /** The sessions open now, for the admin console. */
  java.util.List<ClientSession> sessions() {
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

  /** Ends every session with the given FATAL error (SQLSTATE 57P01 at shutdown). */
  public void terminateAll(String sqlState, String message) {
    sessions.forEach(session -> session.terminate(sqlState, message));
  }
}
