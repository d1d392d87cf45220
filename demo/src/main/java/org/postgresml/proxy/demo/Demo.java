package org.postgresml.proxy.demo;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.postgresml.proxy.CommandLineParser;
import org.postgresml.proxy.ProxyServer;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.net.DelayRelay;

/**
 * The product's job on one machine: a stand-in PostgresML (a real PostgreSQL with a fake
 * {@code pgml.embed}), the real proxy in front of it with TLS on both legs and a generated client
 * password, and an "RDS" PostgreSQL that runs PostgresML's dblink / postgres_fdw SQL through the
 * proxy. PostgresML sits behind a simulated WAN (a delay relay adding {@link #WAN_ROUND_TRIP} per
 * round trip), as it does for a real RDS. Prints the results and the per-call latency direct vs
 * proxied, then removes everything.
 */
public final class Demo {

  static final String UPSTREAM_USER = "pgml_user";
  static final String DATABASE = "pgml_db";
  static final String CLIENT_USER = "rds_app";
  static final String MODEL = "intfloat/e5-small-v2";
  static final String TEXT = "embed this text";
  static final int CALLS = 20;
  /** The simulated internet between the "RDS" side (with its proxy) and PostgresML. */
  static final Duration WAN_ROUND_TRIP = Duration.ofMillis(20);

  private final PrintStream out;

  public Demo(PrintStream out) {
    this.out = out;
  }

  /** What the demo saw, for its test. */
  public record Result(float[] embedding, List<String> foreignRows, Duration directMedian, Duration proxiedMedian) {}

  public Result run() {
    Path dir = createDirectory();
    List<AutoCloseable> cleanup = new ArrayList<>();
    try {
      out.println("1/5 certificates: a throwaway CA, server certificates for the proxy and the upstream");
      CertificateAuthority ca = CertificateAuthority.create("pgml-proxy demo CA");
      Path caFile = ca.writeCertificate(dir.resolve("ca.crt"));
      CertificateAuthority.IssuedCertificate proxyCert = ca.issueServer(dir, "proxy", "localhost", "127.0.0.1");

      out.println("2/5 stand-in PostgresML: an embedded PostgreSQL (TLS only) with pgml.embed (a stand-in, not the extension)");
      PostgresCluster upstream = PostgresCluster.builder().tls(ca).requireTls(true).start();
      cleanup.add(0, upstream);
      String upstreamPassword = randomSecret();
      upstream.createUser(UPSTREAM_USER, upstreamPassword);
      upstream.execute("postgres", "CREATE DATABASE " + DATABASE + " OWNER " + UPSTREAM_USER);
      upstream.installPgmlStandIn(DATABASE);
      upstream.execute(DATABASE, "CREATE TABLE documents AS SELECT i AS id, 'document ' || i AS body "
          + "FROM generate_series(1, 100) i", "ALTER TABLE documents OWNER TO " + UPSTREAM_USER);
      DelayRelay wan = DelayRelay.start(upstream.host(), upstream.port(), WAN_ROUND_TRIP);
      cleanup.add(0, wan);
      out.println("    behind a simulated WAN: " + WAN_ROUND_TRIP.toMillis() + " ms round trip, at 127.0.0.1:"
          + wan.port());

      out.println("3/5 pgml-proxy: TLS to its clients, verify-full to the upstream, client user " + CLIENT_USER
          + " with a generated password");
      String clientPassword = randomSecret();
      Path passwordFile = dir.resolve("client-password");
      Files.writeString(passwordFile, clientPassword + "\n");
      Path config = dir.resolve("pgml-proxy.yaml");
      Files.writeString(config, "clientAuth:\n  users:\n    - {name: " + CLIENT_USER + ", passwordFile: "
          + passwordFile + "}\n");
      ProxyServer proxy = startProxy(List.of(
          "--database-url", "postgres://" + UPSTREAM_USER + ":" + upstreamPassword + "@127.0.0.1:" + wan.port()
              + "/" + DATABASE + "?sslmode=verify-full", "--min-pool-size", "2",
          "--upstream-sslrootcert", caFile.toString(),
          "--tls-cert", proxyCert.certificateFile().toString(), "--tls-key", proxyCert.privateKeyFile().toString(),
          "--tls-required", "--listen-host", "127.0.0.1", "--port", "0", "--http-port", "0",
          "--config", config.toString()));
      cleanup.add(0, () -> proxy.shutdown(Duration.ofSeconds(1)));
      int proxyPort = proxy.address().getPort();
      out.println("    listening on 127.0.0.1:" + proxyPort);

      out.println("4/5 \"RDS\": a second embedded PostgreSQL runs PostgresML's dblink / postgres_fdw SQL");
      PostgresCluster rds = PostgresCluster.start();
      cleanup.add(0, rds);
      String tls = "sslmode 'verify-full', sslrootcert '" + caFile + "'";
      String[] setup = {
          "CREATE EXTENSION IF NOT EXISTS dblink",
          "CREATE EXTENSION IF NOT EXISTS postgres_fdw",
          "CREATE SERVER postgresml FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '" + proxyPort
              + "', dbname '" + DATABASE + "', " + tls + ")",
          "CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml OPTIONS (user '" + CLIENT_USER + "', password '"
              + clientPassword + "')",
          // The same upstream without the proxy, for the latency comparison.
          "CREATE SERVER postgresml_direct FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', port '"
              + wan.port() + "', dbname '" + DATABASE + "', " + tls + ")",
          "CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml_direct OPTIONS (user '" + UPSTREAM_USER
              + "', password '" + upstreamPassword + "')",
          "CREATE FOREIGN TABLE documents (id int, body text) SERVER postgresml "
              + "OPTIONS (schema_name 'public', table_name 'documents')"};
      for (String sql : setup) {
        out.println("    " + sql.replace(clientPassword, "…").replace(upstreamPassword, "…") + ";");
      }
      rds.execute("postgres", setup);
      return runQueries(rds);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      out.println("cleaning up: proxy, both PostgreSQL clusters, " + dir);
      for (AutoCloseable resource : cleanup) {
        try {
          resource.close();
        } catch (Exception e) {
          out.println("    cleanup: " + e.getMessage());
        }
      }
      deleteQuietly(dir);
    }
  }

  private Result runQueries(PostgresCluster rds) {
    String dblink = "SELECT * FROM dblink('%s', 'SELECT pgml.embed(''" + MODEL + "'', ''" + TEXT
        + "'')') AS t(embedding real[])";
    try (Connection connection = rds.connect(); Statement statement = connection.createStatement()) {
      out.println("5/5 results");
      out.println("    " + dblink.formatted("postgresml") + ";");
      float[] embedding;
      try (ResultSet rows = statement.executeQuery(dblink.formatted("postgresml"))) {
        rows.next();
        embedding = floats(rows.getArray(1));
      }
      out.println("    → " + Arrays.toString(embedding));
      List<String> foreign = new ArrayList<>();
      try (ResultSet rows = statement.executeQuery("SELECT id, body FROM documents ORDER BY id LIMIT 3")) {
        while (rows.next()) {
          foreign.add(rows.getInt(1) + " | " + rows.getString(2));
        }
      }
      out.println("    SELECT id, body FROM documents ORDER BY id LIMIT 3;  -- postgres_fdw through the proxy");
      foreign.forEach(row -> out.println("    → " + row));
      Duration direct = medianCall(statement, dblink.formatted("postgresml_direct"));
      Duration proxied = medianCall(statement, dblink.formatted("postgresml"));
      out.printf("    per dblink call (connect + TLS + SCRAM + query) across the %d ms WAN, median of %d:%n",
          WAN_ROUND_TRIP.toMillis(), CALLS);
      out.printf("      direct to the upstream : %7.2f ms%n", direct.toNanos() / 1e6);
      out.printf("      through pgml-proxy     : %7.2f ms  (%.1fx faster: the proxy's warm pool pays the WAN"
          + " handshakes once)%n", proxied.toNanos() / 1e6, (double) direct.toNanos() / proxied.toNanos());
      return new Result(embedding, foreign, direct, proxied);
    } catch (SQLException e) {
      throw new IllegalStateException("demo query failed: " + e.getMessage(), e);
    }
  }

  private static Duration medianCall(Statement statement, String sql) throws SQLException {
    long[] nanos = new long[CALLS];
    for (int i = 0; i < CALLS; i++) {
      long started = System.nanoTime();
      try (ResultSet rows = statement.executeQuery(sql)) {
        rows.next();
      }
      nanos[i] = System.nanoTime() - started;
    }
    Arrays.sort(nanos);
    return Duration.ofNanos(nanos[CALLS / 2]);
  }

  private static ProxyServer startProxy(List<String> args) {
    StringWriter errors = new StringWriter();
    ProxySettings settings = CommandLineParser.parse(args.toArray(String[]::new), Map.of(),
            new PrintWriter(new StringWriter()), new PrintWriter(errors)).settings()
        .orElseThrow(() -> new IllegalStateException("proxy settings refused: " + errors));
    try {
      return new ProxyServer(settings).start();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the proxy", e);
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

  /** A directory the PostgreSQL server user can read (it loads the CA file for dblink's TLS). */
  private static Path createDirectory() {
    try {
      Path dir = Files.createTempDirectory("pgml-proxy-demo-");
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the demo directory", e);
    }
  }

  private static String randomSecret() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static void deleteQuietly(Path dir) {
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // a leftover temp directory is harmless; the clusters are stopped either way
    }
  }
}
