package org.postgresml.proxy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.PostgresCluster;

/**
 * A real PostgreSQL standing in for PostgresML: a login role and database like a PostgresML
 * account's, with the {@code pgml.embed} stand-in (a test stand-in for the extension, not it).
 */
public final class UpstreamDatabase implements AutoCloseable {

  public static final String USER = "pgml_user";
  public static final String DATABASE = "pgml_db";

  private final PostgresCluster cluster;
  private final String password;

  private UpstreamDatabase(PostgresCluster cluster, String password) {
    this.cluster = cluster;
    this.password = password;
  }

  public static UpstreamDatabase start() {
    return start(PostgresCluster.builder());
  }

  /** A cluster that accepts only TLS connections, with a server certificate from the given authority. */
  public static PostgresCluster.Builder tlsOnly(CertificateAuthority authority) {
    return PostgresCluster.builder().tls(authority).requireTls(true);
  }

  public static UpstreamDatabase start(PostgresCluster.Builder builder) {
    PostgresCluster cluster = builder.start();
    String password = "pw-" + Long.toHexString(Double.doubleToLongBits(Math.random()));
    cluster.createUser(USER, password);
    cluster.execute("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + USER);
    cluster.installPgmlStandIn(DATABASE);
    return new UpstreamDatabase(cluster, password);
  }

  public PostgresCluster cluster() {
    return cluster;
  }

  public String password() {
    return password;
  }

  /** The URL a user gives the proxy, with the given sslmode. */
  public String url(String sslMode) {
    return "postgres://" + USER + ":" + password + "@" + cluster.host() + ":" + cluster.port() + "/" + DATABASE
        + "?sslmode=" + sslMode;
  }

  /** Runs statements in the database as its owner, the role the proxy logs in as (what it creates, it owns). */
  public void executeAsOwner(String... statements) {
    try (Connection owner = cluster.connect(DATABASE, USER, password); Statement statement = owner.createStatement()) {
      for (String sql : statements) {
        statement.execute(sql);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("SQL failed as " + USER + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    cluster.close();
  }
}
