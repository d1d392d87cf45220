package org.postgresml.proxy.session;

import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.postgresml.proxy.config.ProxySettings;

/**
 * Who may hold a client connection. Sockets that have not logged in yet are bounded on their own
 * ({@code pool.maxLoginsInProgress}): at the bound, the one that has waited longest is dropped to make
 * room, so silent sockets cannot lock anyone out, they only shorten each other's time. Logged-in
 * clients count toward {@code pool.maxClientConn}; the admin console has a reserve of its own
 * ({@code pool.adminConnections}), so an operator gets in when clients fill the proxy.
 */
final class ConnectionLimits {

  /** What a session holds. */
  private enum Slot { LOGGING_IN, CLIENT, ADMIN }

  private final Supplier<ProxySettings> settings;
  /** Sessions logging in, oldest first. */
  private final LinkedHashSet<ClientSession> loggingIn = new LinkedHashSet<>();
  private final Map<ClientSession, Slot> slots = new IdentityHashMap<>();
  private int clients;
  private int admins;

  ConnectionLimits(Supplier<ProxySettings> settings) {
    this.settings = settings;
  }

  /** A socket connected; the session to drop to make room for it, if the logins in progress are at their bound. */
  synchronized Optional<ClientSession> arrived(ClientSession session) {
    ClientSession oldest = null;
    if (loggingIn.size() >= settings.get().pool().maxLoginsInProgress()) {
      Iterator<ClientSession> first = loggingIn.iterator();
      oldest = first.next();
      first.remove();
      slots.remove(oldest);
    }
    loggingIn.add(session);
    slots.put(session, Slot.LOGGING_IN);
    return Optional.ofNullable(oldest);
  }

  /** Before the password: the refusal when logged-in clients already fill max_client_conn (a cheap early no). */
  synchronized Optional<String> wouldRefuse(boolean adminConsole) {
    return adminConsole ? refusal(admins, settings.get().pool().adminConnections(), true)
        : refusal(clients, settings.get().pool().maxClientConn(), false);
  }

  /** Logged in: takes a client (or admin console) slot, or says why there is none. */
  synchronized Optional<String> loggedIn(ClientSession session, boolean adminConsole) {
    loggingIn.remove(session);
    slots.remove(session);
    Optional<String> full = wouldRefuse(adminConsole);
    if (full.isEmpty()) {
      if (adminConsole) {
        admins++;
      } else {
        clients++;
      }
      slots.put(session, adminConsole ? Slot.ADMIN : Slot.CLIENT);
    }
    return full;
  }

  /** The session closed: whatever it held is free. */
  synchronized void left(ClientSession session) {
    Slot slot = slots.remove(session);
    if (slot == Slot.LOGGING_IN) {
      loggingIn.remove(session);
    } else if (slot == Slot.CLIENT) {
      clients--;
    } else if (slot == Slot.ADMIN) {
      admins--;
    }
  }

  synchronized int loggingIn() {
    return loggingIn.size();
  }

  private static Optional<String> refusal(int held, int max, boolean adminConsole) {
    if (held < max) {
      return Optional.empty();
    }
    return Optional.of(adminConsole
        ? "sorry, too many admin console connections already (pool.adminConnections is " + max + ")"
        : "sorry, too many clients already (max_client_conn is " + max + ")");
  }
}
