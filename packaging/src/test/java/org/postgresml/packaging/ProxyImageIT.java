package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.FreePorts;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.PostgresCluster;

/**
 * The built proxy image (proxy/Dockerfile) runs the pod the operator renders for examples/basic.yaml,
 * and a second PostgreSQL runs the blog's dblink query through it. The container gets exactly the
 * rendered args, env and Secret files, as the rendered user, with a read-only root and an in-memory
 * /tmp. Because it shares the host's network (chroot isolation), the test appends
 * {@code --listen-host 127.0.0.1 --port <free> --http-port <free>} (flags win over the rendered file),
 * as the operator's in-process contract test does, so that it binds loopback and free ports only.
 *
 * <p>The upstream is a real PostgreSQL with TLS standing in for PostgresML: {@code pgml.embed} there
 * is a deterministic stand-in function ({@link PgmlStandIn}), not the extension.
 */
@ExtendWith(ImagesExtension.class)
class ProxyImageIT {

  private static final String DATABASE = "pgml_db";
  private static final String UPSTREAM_USER = "pgml_user";
  private static final String MODEL = "intfloat/e5-small-v2";
  private static final String TEXT = "embed this text";
  private static final String SLOW_QUERY = "SELECT pg_sleep(3)";

  @TempDir
  Path dir;

  @Test
  void servesTheBlogsDblinkQueryAsRenderedForBasicYamlAndDrainsOnSigterm(BuiltImages images) throws Exception {
    try (PostgresCluster upstream = PostgresCluster.builder().tls(CertificateAuthority.create("image test CA"))
             .requireTls(true).start();
         PostgresCluster rds = PostgresCluster.start()) {
      upstream.createUser(UPSTREAM_USER, "upstream-pw");
      upstream.execute("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + UPSTREAM_USER);
      upstream.installPgmlStandIn(DATABASE);
      RenderedProxyPod pod = RenderedProxyPod.render(RepositoryLayout.examples().resolve("basic.yaml"), "pgml-cloud",
          "postgres://" + UPSTREAM_USER + ":upstream-pw@127.0.0.1:" + upstream.port() + "/" + DATABASE
              + "?sslmode=require", dir.resolve("mounts"));
      int port = FreePorts.next();
      int httpPort = FreePorts.next();
      List<String> args = new ArrayList<>(pod.args());
      args.addAll(List.of("--listen-host", "127.0.0.1", "--port", Integer.toString(port),
          "--http-port", Integer.toString(httpPort)));

      try (ContainerRun proxy = ContainerRun.start(images, BuiltImages.PROXY, "proxy",
          new ContainerRun.Spec(args, pod.env(), pod.readOnlyVolumes(), pod.user()))) {
        proxy.awaitWhileRunning("the proxy's /readyz", Duration.ofMinutes(2), () -> status(httpPort, "/readyz") == 200);
        assertThat(status(httpPort, "/livez")).isEqualTo(200);

        rds.execute("postgres",
            "CREATE EXTENSION IF NOT EXISTS dblink",
            "CREATE SERVER postgresml FOREIGN DATA WRAPPER dblink_fdw OPTIONS (host '127.0.0.1', port '" + port
                + "', dbname '" + DATABASE + "')",
            "CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml OPTIONS (user '" + pod.clientUsername()
                + "', password '" + pod.clientPassword() + "')");
        try (Connection connection = rds.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT * FROM dblink('postgresml', 'SELECT pgml.embed(''"
                 + MODEL + "'', ''" + TEXT + "'')') AS t(embedding real[])")) {
          assertThat(rows.next()).isTrue();
          assertThat(floats(rows.getArray(1))).containsExactly(PgmlStandIn.expectedEmbedding(MODEL, TEXT));
        }

        // SIGTERM to tini (the container's PID 1) while a query runs: tini forwards it to the JVM,
        // whose drain lets the query finish; then the container exits 0 within the pod's grace period.
        try (Connection client = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE
            + "?sslmode=disable", pod.clientUsername(), pod.clientPassword())) {
          CompletableFuture<Boolean> slow = CompletableFuture.supplyAsync(() -> runs(client, SLOW_QUERY));
          await("the query running upstream").atMost(Duration.ofSeconds(30))
              .until(() -> activeUpstream(upstream, SLOW_QUERY));
          proxy.sigterm();
          assertThat(slow.get(2, TimeUnit.MINUTES)).as("the query in flight at SIGTERM completed").isTrue();
        }
        assertThat(proxy.awaitExit(Duration.ofSeconds(pod.terminationGracePeriodSeconds())))
            .as("exit status after SIGTERM; %s", proxy.output()).isZero();
        assertThat(proxy.writesOutsideTmp()).as("files the container wrote outside /tmp").isEmpty();
      }
    }
  }

  private static boolean runs(Connection client, String sql) {
    try (Statement statement = client.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
      return rows.next();
    } catch (SQLException e) {
      throw new AssertionError("the query in flight at SIGTERM failed: " + e.getSQLState() + " " + e.getMessage(), e);
    }
  }

  private static boolean activeUpstream(PostgresCluster upstream, String sql) throws SQLException {
    try (Connection connection = upstream.connect(); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
             + " AND query = '" + sql + "'")) {
      rows.next();
      return rows.getInt(1) == 1;
    }
  }

  static int status(int port, String path) {
    try {
      return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (java.io.IOException e) {
      return -1; // not listening yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static float[] floats(Array array) throws SQLException {
    Float[] boxed = (Float[]) array.getArray();
    float[] values = new float[boxed.length];
    for (int i = 0; i < boxed.length; i++) {
      values[i] = boxed[i];
    }
    return values;
  }
}
