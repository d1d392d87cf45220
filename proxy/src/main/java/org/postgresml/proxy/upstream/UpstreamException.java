package org.postgresml.proxy.upstream;

import org.postgresml.proxy.protocol.SqlState;

/**
 * The upstream could not be reached, refused the login or broke the protocol. Carries the SQLSTATE
 * the client gets and a message that names the upstream host, never its password.
 */
public final class UpstreamException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String sqlState;
  /** Trying again will not help (the upstream says the database or the login is wrong). */
  private final boolean permanent;
  /** The SQLSTATE of the upstream's own ErrorResponse at login, if it sent one. */
  private final String upstreamSqlState;

  public UpstreamException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
    this.permanent = false;
    this.upstreamSqlState = null;
  }

  public UpstreamException(String sqlState, String message) {
    this(sqlState, message, false, null);
  }

  private UpstreamException(String sqlState, String message, boolean permanent, String upstreamSqlState) {
    super(message);
    this.sqlState = sqlState;
    this.permanent = permanent;
    this.upstreamSqlState = upstreamSqlState;
  }

  /**
   * The upstream answered the login with an error. A database it lacks reaches the client exactly as
   * PostgreSQL says it ({@code 3D000 database "x" does not exist}): that is the client's request, not
   * the proxy's trouble. Anything else is the proxy's own login failing: 08004 naming the upstream,
   * with the upstream's message and SQLSTATE.
   */
  public static UpstreamException refusedLogin(String address, String upstreamSqlState, String upstreamMessage) {
    if (SqlState.classOf(upstreamSqlState).equals(SqlState.classOf(SqlState.INVALID_CATALOG_NAME))) {
      return new UpstreamException(upstreamSqlState, upstreamMessage, true, upstreamSqlState);
    }
    return rejected("upstream " + address + " rejected the connection: " + upstreamMessage
        + " (SQLSTATE " + upstreamSqlState + ")", upstreamSqlState);
  }

  /**
   * The upstream answered the login with an error: permanent when it is about the database
   * (3D000) or the credentials (class 28), passing otherwise (too many connections, starting up).
   */
  public static UpstreamException rejected(String message, String upstreamSqlState) {
    String errorClass = upstreamSqlState == null || upstreamSqlState.length() < 2 ? ""
        : upstreamSqlState.substring(0, 2);
    return new UpstreamException(SqlState.CONNECTION_REJECTED, message,
        errorClass.equals("3D") || errorClass.equals("28"), upstreamSqlState);
  }

  /** The upstream said the database does not exist (3D000). */
  public boolean isMissingDatabase() {
    return SqlState.INVALID_CATALOG_NAME.equals(upstreamSqlState);
  }

  public String sqlState() {
    return sqlState;
  }

  public boolean isPermanent() {
    return permanent;
  }
}
