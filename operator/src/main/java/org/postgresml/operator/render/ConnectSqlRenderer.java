package org.postgresml.operator.render;

import org.postgresml.operator.api.PgmlProxy;

/**
 * The SQL a user runs once on the database that calls PostgresML (e.g. RDS). The password stays a
 * placeholder naming the Secret that holds it: status is readable by more people than Secrets.
 */
public final class ConnectSqlRenderer {

  private ConnectSqlRenderer() {
  }

  /**
   * @param host where the database reaches the proxy (the load balancer when there is one)
   * @param database the PostgresML database name (the upstream URL's); the proxy serves it under the same name
   */
  public static String render(PgmlProxy proxy, String host, int port, String database, String clientUsername) {
    String secret = FleetNames.clientAuthSecret(proxy);
    String passwordHint = "<the key " + ContainerLayout.CLIENT_PASSWORD_KEY + " of Secret "
        + proxy.getMetadata().getNamespace() + "/" + secret + ">";
    return String.join("\n",
        "CREATE EXTENSION IF NOT EXISTS dblink;",
        "CREATE EXTENSION IF NOT EXISTS postgres_fdw;",
        "CREATE SERVER postgresml FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host " + literal(host)
            + ", port " + literal(Integer.toString(port)) + ", dbname " + literal(database) + ");",
        "CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml OPTIONS (user " + literal(clientUsername)
            + ", password " + literal(passwordHint) + ");");
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
