package org.postgresml.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class PostgresClusterIT {

  private static final String BLOG_QUERY = "SELECT * FROM dblink('postgresml', "
      + "'SELECT pgml.embed(''intfloat/e5-small-v2'', ''embed this text'')') AS t(embedding real[])";

  private static CertificateAuthority ca;
  private static PostgresCluster rds;
  private static PostgresCluster postgresml;

  @BeforeAll
  static void startTwoClusters() {
    ca = CertificateAuthority.create("fixture test CA");
    rds = PostgresCluster.start();
    postgresml = PostgresCluster.builder().tls(ca).requireTls(true).start();
    postgresml.installPgmlStandIn("postgres");
  }

  @AfterAll
  static void stopClusters() {
    if (rds != null) {
      rds.close();
    }
    if (postgresml != null) {
      postgresml.close();
    }
  }

  @Test
  void twoClustersRunAtOnceOnTheirOwnPorts() throws SQLException {
    assertThat(rds.port()).isNotEqualTo(postgresml.port());
    assertThat(queryString(rds.connect(), "SHOW port")).isEqualTo(Integer.toString(rds.port()));
    assertThat(queryString(postgresml.connect(), "SHOW ssl")).isEqualTo("on");
  }

  @Test
  void wrongPasswordIsRejectedByScram() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> rds.connect("postgres", PostgresCluster.SUPERUSER, "not-the-password"))
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState()).isEqualTo("28P01");
  }

  @Test
  void dblinkAndPostgresFdwReachTheOtherClusterOverVerifiedTls() throws SQLException {
    String database = "fdw_" + System.nanoTime();
    rds.createDatabase(database);
    rds.createExtensions(database, "dblink", "postgres_fdw");
    rds.execute(database,
        "CREATE SERVER postgresml FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '"
            + postgresml.port() + "', dbname 'postgres', sslmode 'verify-full', sslrootcert '"
            + postgresml.caCertificateFile().orElseThrow() + "')",
        "CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml OPTIONS (user 'postgres', password '"
            + postgresml.superuserPassword() + "')");

    try (Connection connection = rds.connect(database, PostgresCluster.SUPERUSER, rds.superuserPassword());
         Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery(BLOG_QUERY)) {
      assertThat(result.next()).isTrue();
      Array embedding = result.getArray(1);
      Float[] values = (Float[]) embedding.getArray();
      float[] expected = PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "embed this text");
      assertThat(values).hasSize(expected.length);
      for (int i = 0; i < expected.length; i++) {
        assertThat(values[i]).isEqualTo(expected[i]);
      }
    }

    // postgres_fdw: a foreign table over the same server, read through a cursor.
    postgresml.execute("postgres", "CREATE TABLE IF NOT EXISTS documents (id int, body text)",
        "TRUNCATE documents", "INSERT INTO documents SELECT g, 'doc ' || g FROM generate_series(1, 500) g");
    rds.execute(database, "CREATE FOREIGN TABLE documents (id int, body text) SERVER postgresml");
    try (Connection connection = rds.connect(database, PostgresCluster.SUPERUSER, rds.superuserPassword())) {
      assertThat(queryString(connection, "SELECT count(*) || ':' || sum(id) FROM documents")).isEqualTo("500:125250");
    }
  }

  @Test
  void verifyFullFailsWithAnotherCa() {
    Path otherCa = CertificateAuthority.create("other CA").writeCertificate(rds.directory().resolve("other-ca.crt"));
    String database = "wrongca_" + System.nanoTime();
    rds.createDatabase(database);
    rds.createExtensions(database, "dblink");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> rds.execute(database,
            "SELECT dblink_connect('host=127.0.0.1 port=" + postgresml.port() + " dbname=postgres user=postgres password="
                + postgresml.superuserPassword() + " sslmode=verify-full sslrootcert=" + otherCa + "')"))
        .hasMessageContaining("certificate verify failed");
  }

  @Test
  void closeStopsTheServerFreesThePortAndRemovesTheDirectory() {
    PostgresCluster cluster = PostgresCluster.start();
    long pid = cluster.serverPid().orElseThrow();
    int port = cluster.port();
    Path directory = cluster.directory();
    assertThat(ProcessHandle.of(pid)).isPresent();

    cluster.close();

    await().atMost(Duration.ofSeconds(10)).until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
    assertThat(FreePorts.isFree(port)).isTrue();
    assertThat(Files.exists(directory)).isFalse();
    cluster.close(); // idempotent
  }

  @Test
  void stopAndStartKeepPortAndData() throws SQLException {
    try (PostgresCluster cluster = PostgresCluster.start()) {
      cluster.execute("postgres", "CREATE TABLE kept (v int)", "INSERT INTO kept VALUES (42)");
      cluster.stop();
      assertThat(cluster.isRunning()).isFalse();
      cluster.startServer();
      assertThat(queryString(cluster.connect(), "SELECT v FROM kept")).isEqualTo("42");
    }
  }

  @Test
  void md5ClustersAcceptMd5Passwords() throws SQLException {
    try (PostgresCluster cluster = PostgresCluster.builder().auth(AuthMethod.MD5).start()) {
      cluster.createUser("alice", "secret");
      assertThat(queryString(cluster.connect("postgres", "alice", "secret"), "SELECT current_user")).isEqualTo("alice");
      assertThat(queryString(cluster.connect(), "SELECT left(rolpassword, 3) FROM pg_authid WHERE rolname = 'alice'"))
          .isEqualTo("md5");
    }
  }

  static String queryString(Connection connection, String sql) throws SQLException {
    try (connection; Statement statement = connection.createStatement(); ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getString(1);
    }
  }
}
