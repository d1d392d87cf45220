package org.postgresml.proxy.upstream;

/**
 * The upstream could not be reached, refused the login or broke the protocol. Carries the SQLSTATE
 * the client gets and a message that names the upstream host, never its password.
 */
public final class UpstreamException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String sqlState;

  public UpstreamException(String sqlState, String message, Throwable cause) {
    super(message, cause);
    this.sqlState = sqlState;
  }

  public UpstreamException(String sqlState, String message) {
    super(message);
    this.sqlState = sqlState;
  }

  public String sqlState() {
    return sqlState;
  }
}
