package org.postgresml.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** Where a client connects: a PostgreSQL server, a pooler or a relay, with the login to use. */
public record Endpoint(String host, int port, String database, String user, String password) {

  public Endpoint at(String newHost, int newPort) {
    return new Endpoint(newHost, newPort, database, user, password);
  }

  /** TLS is off on every hop of the benchmark; say so explicitly rather than rely on libpq's "prefer". */
  public static final String SSL_MODE = "disable";

  public String jdbcUrl() {
    return "jdbc:postgresql://" + host + ":" + port + "/" + database + "?sslmode=" + SSL_MODE
        + "&connectTimeout=10&loginTimeout=20&socketTimeout=120&ApplicationName=pgml-bench";
  }

  /** A libpq connection string, as dblink takes it. */
  public String conninfo() {
    return "host=" + host + " port=" + port + " dbname=" + database + " user=" + user + " password=" + password
        + " sslmode=" + SSL_MODE;
  }

  /** The environment libpq programs (pgbench, psql) read, with the password and TLS mode. */
  public Map<String, String> libpqEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PGHOST", host);
    env.put("PGPORT", Integer.toString(port));
    env.put("PGDATABASE", database);
    env.put("PGUSER", user);
    env.put("PGPASSWORD", password);
    env.put("PGSSLMODE", SSL_MODE);
    env.put("PGCONNECT_TIMEOUT", "10");
    return env;
  }

  @Override
  public String toString() {
    return user + "@" + host + ":" + port + "/" + database;
  }
}
