package org.postgresml.proxy.cancel;

import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postgresml.proxy.protocol.backend.BackendKeyData;

/**
 * The BackendKeyData the proxy hands to clients and the sessions they cancel. The process id is the
 * real backend's in session mode (clients use it with pg_terminate_backend and pg_stat_activity), so
 * it is no secret; the secret key is 32 random bits of the proxy's own, as PostgreSQL's. No bit of it
 * names the replica: a fleet finds the owner by asking every peer ({@link CancelDispatch}).
 */
public final class CancelKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<Long, CancelTarget> sessions = new ConcurrentHashMap<>();

  /** A new key for the session, registered until {@link #remove}. */
  public BackendKeyData register(int processId, CancelTarget session) {
    while (true) {
      BackendKeyData key = new BackendKeyData(processId, RANDOM.nextInt());
      if (sessions.putIfAbsent(id(key), session) == null) {
        return key;
      }
    }
  }

  public Optional<CancelTarget> find(int processId, int secretKey) {
    return Optional.ofNullable(sessions.get(id(new BackendKeyData(processId, secretKey))));
  }

  public void remove(BackendKeyData key) {
    sessions.remove(id(key));
  }

  private static long id(BackendKeyData key) {
    return ((long) key.processId() << 32) | (key.secretKey() & 0xffffffffL);
  }
}
