package org.postgresml.proxy.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.netty.NettyLeakCheck;

/** TLS on both legs: clients verify the proxy, the proxy verifies the upstream (which accepts only TLS). */
@ExtendWith(NettyLeakCheck.class)
class TlsIT {

  private static Path dir;
  private static Path proxyCa;
  private static Path upstreamCa;
  private static Path strangerCa;
  private static CertificateAuthority.IssuedCertificate proxyCert;
  private static final CertificateAuthority UPSTREAM_AUTHORITY = CertificateAuthority.create("upstream test CA");

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create(UpstreamDatabase.tlsOnly(UPSTREAM_AUTHORITY));

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("pgml-tls-it");
    CertificateAuthority proxyAuthority = CertificateAuthority.create("proxy test CA");
    proxyCa = proxyAuthority.writeCertificate(dir.resolve("proxy-ca.crt"));
    proxyCert = proxyAuthority.issueServer(dir, "proxy", "localhost", "127.0.0.1");
    upstreamCa = UPSTREAM_AUTHORITY.writeCertificate(dir.resolve("upstream-ca.crt"));
    strangerCa = CertificateAuthority.create("unrelated CA").writeCertificate(dir.resolve("stranger-ca.crt"));
  }

  @AfterAll
  static void stop() throws IOException {
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  private static RunningProxy proxy(Path upstreamRootCert, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("--database-url", upstream.url("verify-full"),
        "--upstream-sslrootcert", upstreamRootCert.toString(),
        "--tls-cert", proxyCert.certificateFile().toString(), "--tls-key", proxyCert.privateKeyFile().toString()));
    args.addAll(List.of(more));
    return RunningProxy.start(args);
  }

  private static Properties verifyFull() {
    Properties properties = new Properties();
    properties.setProperty("sslmode", "verify-full");
    properties.setProperty("sslrootcert", proxyCa.toString());
    return properties;
  }

  @Test
  void verifyFullOnBothLegs() throws SQLException {
    try (RunningProxy proxy = proxy(upstreamCa);
         Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password(), verifyFull());
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getBoolean(1)).as("upstream leg encrypted").isTrue();
      assertThat(rows.getString(2)).startsWith("TLSv1.");
    }
  }

  @Test
  void upstreamCertificateFromAnotherCaIsRefusedWithClass08() {
    try (RunningProxy proxy = proxy(strangerCa)) {
      assertThatThrownBy(() -> proxy.connect(UpstreamDatabase.USER, upstream.password(), verifyFull()).close())
          .isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).startsWith("08");
            assertThat(e.getMessage()).contains("127.0.0.1:" + upstream.cluster().port())
                .doesNotContain(upstream.password());
          });
    }
  }

  @Test
  void cancelReachesTheUpstreamWhenClientsMustUseTls() throws Exception {
    try (RunningProxy proxy = proxy(upstreamCa, "--tls-required");
         Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password(), verifyFull());
         Statement statement = connection.createStatement()) {
      int pid;
      try (ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
        rows.next();
        pid = rows.getInt(1); // the backend's; the cancel key's pid is the proxy's own
      }
      java.util.concurrent.CompletableFuture<Void> running = java.util.concurrent.CompletableFuture.runAsync(() -> {
        try {
          statement.execute("SELECT pg_sleep(30)");
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
        try (Connection observer = upstream.cluster().connect(); Statement query = observer.createStatement();
             ResultSet rows = query.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = " + pid
                 + " AND state = 'active' AND query LIKE 'SELECT pg_sleep%'")) {
          rows.next();
          return rows.getInt(1) == 1;
        }
      });
      long started = System.nanoTime();
      statement.cancel();
      assertThatThrownBy(() -> running.get(2, java.util.concurrent.TimeUnit.SECONDS)).rootCause()
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(2));
    }
  }

  @Test
  void tlsRequiredRefusesPlainClients() throws SQLException {
    try (RunningProxy proxy = proxy(upstreamCa, "--tls-required")) {
      assertThatThrownBy(() -> proxy.connect(UpstreamDatabase.USER, upstream.password()).close())
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
      try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password(), verifyFull())) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }

  /** What managed-database users set against a man in the middle: libpq and pgjdbc insist on SCRAM-SHA-256-PLUS. */
  @Test
  void channelBindingRequiredByTheClientOverBothLegs() throws SQLException {
    try (RunningProxy proxy = proxy(upstreamCa)) {
      org.postgresml.testing.ClientPrograms.Result psql = org.postgresml.testing.ClientPrograms.run(List.of(
          org.postgresml.testing.ClientPrograms.require("psql").toString(),
          "host=127.0.0.1 port=" + proxy.port() + " user=" + UpstreamDatabase.USER + " dbname="
              + UpstreamDatabase.DATABASE + " sslmode=verify-full sslrootcert=" + proxyCa + " channel_binding=require",
          "-X", "-A", "-t", "-c", "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"),
          java.util.Map.of("PGPASSWORD", upstream.password(), "PGCONNECT_TIMEOUT", "10"), java.time.Duration.ofSeconds(30));
      assertThat(psql.exitCode()).as(psql.stderr()).isZero();
      assertThat(psql.stdout().trim()).as("the upstream leg is TLS too").isEqualTo("t");

      Properties jdbc = verifyFull();
      jdbc.setProperty("channelBinding", "require");
      try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password(), jdbc)) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }
}
