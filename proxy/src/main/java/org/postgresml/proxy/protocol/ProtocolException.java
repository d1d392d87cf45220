package org.postgresml.proxy.protocol;

/** A peer sent bytes that are not the PostgreSQL protocol; answered with SQLSTATE 08P01. */
public final class ProtocolException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
