package org.postgresml.proxy.admin;

/** An admin command the console does not know or could not run; its message goes to the client. */
public final class AdminCommandException extends RuntimeException {

  public AdminCommandException(String message) {
    super(message, null, false, false);
  }
}
