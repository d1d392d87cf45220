package org.postgresml.proxy.config;

/** When a server connection goes back to the pool (applied by pooling; parsed and kept here). */
public enum PoolMode {
  SESSION, TRANSACTION;

  public static PoolMode parse(String text) {
    return EnumText.parse(PoolMode.class, "pool mode", text);
  }
}
