package org.postgresml.proxy.pool;

/** One pool per client identity: the user a client logged in as and the database it asked for. */
public record PoolKey(String user, String database) {

  @Override
  public String toString() {
    return user + "@" + database;
  }
}
