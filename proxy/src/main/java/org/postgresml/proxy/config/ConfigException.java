package org.postgresml.proxy.config;

/** An invalid option, file or URL; Main prints its message as one line and exits with status 2. */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
