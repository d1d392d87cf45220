package org.postgresml.bench.target;

import java.util.Locale;

/** When a pooler gives a server connection back: at client exit or after each transaction. */
public enum PoolMode {
  SESSION,
  TRANSACTION;

  /** The spelling both PgBouncer's {@code pool_mode} and pgml-proxy's {@code --pool-mode} use. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
