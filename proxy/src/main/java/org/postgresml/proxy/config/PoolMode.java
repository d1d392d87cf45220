package org.postgresml.proxy.config;

import java.util.Locale;

/** When a server connection goes back to the pool (applied by pooling; parsed and kept here). */
public enum PoolMode {
  SESSION, TRANSACTION;

  public static PoolMode parse(String text) {
    for (PoolMode mode : values()) {
      if (mode.name().toLowerCase(Locale.ROOT).equals(text.trim().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new ConfigException("invalid pool mode '" + text + "' (expected session or transaction)");
  }
}
