package org.postgresml.proxy.protocol;

/** Type bytes of the typed messages the proxy reads or writes; one home for each code. */
public final class MessageType {

  private MessageType() {}

  // backend → frontend
  public static final byte AUTHENTICATION = 'R';
  public static final byte PARAMETER_STATUS = 'S';
  public static final byte BACKEND_KEY_DATA = 'K';
  public static final byte READY_FOR_QUERY = 'Z';
  public static final byte ERROR_RESPONSE = 'E';
  public static final byte NOTICE_RESPONSE = 'N';
  public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';

  // frontend → backend
  public static final byte PASSWORD_MESSAGE = 'p';
  public static final byte TERMINATE = 'X';

  /** The answers to SSLRequest and GSSENCRequest: one untyped byte. */
  public static final byte ENCRYPTION_ACCEPTED = 'S';
  public static final byte ENCRYPTION_REFUSED = 'N';
}
