package org.postgresml.proxy.protocol;

/**
 * A client went past a limit the operator set (limits.* in the configuration); answered with
 * SQLSTATE 54000, program_limit_exceeded, and the session ends.
 */
public final class LimitExceededException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public LimitExceededException(String message) {
    super(message);
  }
}
