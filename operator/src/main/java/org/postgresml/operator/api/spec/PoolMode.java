package org.postgresml.operator.api.spec;

/** When a server connection goes back to the pool (names as in the proxy's YAML). */
public enum PoolMode {
  session,
  transaction
}
