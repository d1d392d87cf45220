package org.postgresml.proxy.auth;

/** An authentication exchange failed; the message is safe to show (no secret in it). */
public final class AuthenticationFailedException extends Exception {

  private static final long serialVersionUID = 1L;

  public AuthenticationFailedException(String message) {
    super(message);
  }

  public AuthenticationFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
