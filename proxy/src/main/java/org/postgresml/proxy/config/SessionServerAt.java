package org.postgresml.proxy.config;

/**
 * When a session-mode client takes the server connection it then holds to its goodbye: at its first
 * message (as PgBouncer and PgCat: the login needs no connection once the pool has logged in, a
 * client that never speaks costs none, the cancel key's pid is the proxy's), or at its login (the
 * greeting comes from that connection, with the backend's real pid).
 */
public enum SessionServerAt {
  FIRST_MESSAGE, LOGIN;

  public static SessionServerAt parse(String text) {
    return EnumText.parse(SessionServerAt.class, "pool.sessionServerAt", text);
  }
}
