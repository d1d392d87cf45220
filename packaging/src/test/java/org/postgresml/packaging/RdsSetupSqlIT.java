package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;

/**
 * examples/rds-setup.sql, with its placeholders filled in, run by psql on a real PostgreSQL (the
 * "RDS") against a real PostgreSQL with TLS standing in for the proxy endpoint (it has the
 * {@link PgmlStandIn} pgml.embed stand-in, not the PostgresML extension). The proxy in between is
 * covered by the operator's contract test; this shows the SQL users copy runs as written, twice.
 */
class RdsSetupSqlIT {

  private static final String DATABASE = "pgml_db";
  private static final String CLIENT_USER = "rds_app";
  private static final String CLIENT_PASSWORD = "s3cret-Pa55";

  private static PostgresCluster endpoint;
  private static PostgresCluster rds;

  @BeforeAll
  static void startClusters() {
    endpoint = PostgresCluster.builder().tls(CertificateAuthority.create("rds-setup-test CA")).requireTls(true).start();
    endpoint.createDatabase(DATABASE);
    endpoint.createUser(CLIENT_USER, CLIENT_PASSWORD);
    endpoint.installPgmlStandIn(DATABASE);
    rds = PostgresCluster.start();
  }

  @AfterAll
  static void stopClusters() {
    if (rds != null) {
      rds.close();
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  @Test
  void setupSqlRunsAsWrittenAndIsRepeatable(@TempDir Path temp) throws IOException {
    String sql = Files.readString(RepositoryLayout.examples().resolve("rds-setup.sql"));
    assertThat(sql).contains("PROXY_HOST", "port '6432'", "PGML_DATABASE", "CLIENT_USER", "CLIENT_PASSWORD");
    Path filled = Files.writeString(temp.resolve("rds-setup.sql"), sql
        .replace("PROXY_HOST", PostgresCluster.LOOPBACK)
        .replace("port '6432'", "port '" + endpoint.port() + "'")
        .replace("PGML_DATABASE", DATABASE)
        .replace("CLIENT_USER", CLIENT_USER)
        .replace("CLIENT_PASSWORD", CLIENT_PASSWORD));

    for (int run = 1; run <= 2; run++) {
      var result = ClientPrograms.run(
          List.of(ClientPrograms.require("psql").toString(), "-X", "-At", "-v", "ON_ERROR_STOP=1",
              "-h", PostgresCluster.LOOPBACK, "-p", String.valueOf(rds.port()), "-U", PostgresCluster.SUPERUSER,
              "-d", "postgres", "-f", filled.toString()),
          Map.of("PGPASSWORD", rds.superuserPassword()),
          Duration.ofSeconds(60));

      assertThat(result.succeeded()).as("run %d: %s", run, result.stderr()).isTrue();
      String embedding = result.stdout().strip().lines().reduce((first, second) -> second).orElseThrow();
      assertThat(parse(embedding)).as("run %d", run)
          .containsExactly(PgmlStandIn.expectedEmbedding("intfloat/e5-small-v2", "embed this text"));
    }
  }

  private static float[] parse(String array) {
    String[] parts = array.replace("{", "").replace("}", "").split(",");
    float[] vector = new float[parts.length];
    for (int i = 0; i < parts.length; i++) {
      vector[i] = Float.parseFloat(parts[i]);
    }
    return vector;
  }
}
