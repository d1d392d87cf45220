package org.postgresml.proxy.session;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresml.proxy.protocol.backend.BackendKeyData;

/**
 * The BackendKeyData the proxy hands to clients and the sessions they cancel. The process id is the
 * real backend's (clients use it with pg_terminate_backend and pg_stat_activity); the secret is
 * the proxy's own: the top 8 bits carry the replica id (so a fleet can route a cancel to the replica
 * that owns it, issue 9), the low 24 bits are random.
 */
public final class CancelKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final int replicaId;
  private final Map<Long, ClientSession> sessions = new ConcurrentHashMap<>();

  public CancelKeys(int replicaId) {
    this.replicaId = replicaId;
  }

  /** A new key for the session, registered until {@link #remove}. */
  public BackendKeyData register(int processId, ClientSession session) {
    while (true) {
      BackendKeyData key = new BackendKeyData(processId, (replicaId << 24) | RANDOM.nextInt(1 << 24));
      if (sessions.putIfAbsent(id(key), session) == null) {
        return key;
      }
    }
  }

  public Optional<ClientSession> find(int processId, int secretKey) {
    return Optional.ofNullable(sessions.get(id(new BackendKeyData(processId, secretKey))));
  }

  public void remove(BackendKeyData key) {
    sessions.remove(id(key));
  }

  /** The replica id a secret key was issued by. */
  public static int replicaOf(int secretKey) {
    return secretKey >>> 24;
  }

  private static long id(BackendKeyData key) {
    return ((long) key.processId() << 32) | (key.secretKey() & 0xffffffffL);
  }
}
