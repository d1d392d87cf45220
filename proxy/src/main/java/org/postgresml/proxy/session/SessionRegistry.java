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

  public int size() {
    return sessions.size();
  }

  /** Ends every session with the given FATAL error (SQLSTATE 57P01 at shutdown). */
  public void terminateAll(String sqlState, String message) {
    sessions.forEach(session -> session.terminate(sqlState, message));
  }
}
