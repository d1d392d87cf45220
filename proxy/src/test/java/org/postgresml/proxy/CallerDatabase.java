package org.postgresml.proxy;

import java.util.Optional;
import org.postgresml.testing.PostgresCluster;

/**
 * The product's caller in a test: a second PostgreSQL (the "RDS" side) with dblink and
 * postgres_fdw, and foreign servers that reach a proxy as the upstream's user, as
 * examples/rds-setup.sql sets them up.
 */
public final class CallerDatabase {

  private CallerDatabase() {}

  /** A started cluster with dblink and postgres_fdw in its {@code postgres} database; the caller closes it. */
  public static PostgresCluster start() {
    PostgresCluster rds = PostgresCluster.start();
    rds.execute("postgres", "CREATE EXTENSION IF NOT EXISTS dblink", "CREATE EXTENSION IF NOT EXISTS postgres_fdw");
    return rds;
  }

  /**
   * A foreign server {@code name} for the proxy on {@code proxyPort} (the upstream's database), with
   * the current user mapped to the upstream's user and {@code password}; libpq's default sslmode
   * unless one is given.
   */
  public static void addServer(PostgresCluster rds, String name, int proxyPort, String password,
      Optional<String> sslMode) {
    rds.execute("postgres",
        "CREATE SERVER " + name + " FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '" + proxyPort
            + "', dbname '" + UpstreamDatabase.DATABASE + "'" + sslMode.map(mode -> ", sslmode '" + mode + "'")
            .orElse("") + ")",
        "CREATE USER MAPPING FOR CURRENT_USER SERVER " + name + " OPTIONS (user '" + UpstreamDatabase.USER
            + "', password '" + password + "')");
  }
}
