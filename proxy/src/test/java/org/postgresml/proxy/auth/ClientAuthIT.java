package org.postgresml.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.AuthMethod;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The other login methods on both legs: clients by md5 and trust against users from a password
 * file; the proxy by md5 to an upstream that asks for it.
 */
@ExtendWith(NettyLeakCheck.class)
class ClientAuthIT {

  @RegisterExtension
  static final UpstreamFixture md5Upstream = UpstreamFixture.create(PostgresCluster.builder().auth(AuthMethod.MD5));

  private static Path dir;
  private static Path config;

  @BeforeAll
  static void start() throws IOException {
    dir = Files.createTempDirectory("pgml-auth-it");
    Path password = dir.resolve("password");
    Files.writeString(password, "app-secret\n");
    config = dir.resolve("proxy.yaml");
    Files.writeString(config, "clientAuth:\n  users:\n    - {name: rds_app, passwordFile: " + password + "}\n");
  }

  @AfterAll
  static void stop() throws IOException {
    Files.deleteIfExists(dir.resolve("password"));
    Files.deleteIfExists(config);
    Files.deleteIfExists(dir);
  }

  @Test
  void md5ClientsAndMd5Upstream() throws SQLException {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", md5Upstream.url("disable"),
        "--config", config.toString(), "--client-auth", "md5"))) {
      try (Connection connection = proxy.connect("rds_app", "app-secret");
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT current_user")) {
        rows.next();
        // Clients log in as themselves; upstream the proxy is always the URL's user.
        assertThat(rows.getString(1)).isEqualTo(UpstreamDatabase.USER);
      }
      Throwable wrong = catchThrowable(() -> proxy.connect("rds_app", "app-secreT").close());
      assertThat(wrong).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      Throwable urlUser = catchThrowable(() -> proxy.connect(UpstreamDatabase.USER, md5Upstream.password()).close());
      assertThat(urlUser).as("the URL's user is not a client user once users are configured")
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }
  }

  @Test
  void trustAsksForNoPassword() throws SQLException {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", md5Upstream.url("disable"),
        "--client-auth", "trust"));
         Connection connection = proxy.connect(UpstreamDatabase.USER, "")) {
      assertThat(connection.isValid(5)).isTrue();
    }
  }

  @Test
  void trustStillNeedsAConfiguredUser() {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", md5Upstream.url("disable"),
        "--client-auth", "trust"))) {
      // Before, any name logged in as the URL's upstream identity.
      Throwable anyone = catchThrowable(() -> proxy.connect("anyone", "").close());
      assertThat(anyone).isInstanceOfSatisfying(SQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("28000");
        assertThat(e.getMessage()).contains("role \"anyone\" does not exist");
      });
    }
  }

  @Test
  void scramClientsFromThePasswordFile() throws SQLException {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", md5Upstream.url("disable"),
        "--config", config.toString()));
         Connection connection = proxy.connect("rds_app", "app-secret")) {
      assertThat(connection.isValid(5)).isTrue();
    }
  }

  @Test
  void aUrlWithoutAPasswordWorksWithATrustUpstreamAndTrustClients() throws SQLException {
    try (UpstreamDatabase trustUpstream = UpstreamDatabase.start(PostgresCluster.builder().auth(AuthMethod.TRUST));
         RunningProxy proxy = RunningProxy.start(List.of("--database-url", passwordless(trustUpstream),
             "--client-auth", "trust"));
         Connection connection = proxy.connect(UpstreamDatabase.USER, "");
         Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT current_user")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo(UpstreamDatabase.USER);
    }
  }

  /** pg_hba.conf's idea in the proxy's YAML: each user its own method, and optionally where it may come from. */
  @Test
  void eachUserLogsInByItsOwnMethodFromItsOwnAddresses() throws IOException, SQLException {
    Path perUser = dir.resolve("per-user.yaml");
    Files.writeString(perUser, "clientAuth:\n  method: scram-sha-256\n  users:\n"
        + "    - {name: rds_app, passwordFile: " + dir.resolve("password") + "}\n"
        + "    - {name: local_job, method: trust, address: 127.0.0.1/32}\n"
        + "    - {name: legacy, password: old-secret, method: md5}\n"
        + "    - {name: far_away, method: trust, address: 10.0.0.0/8}\n");
    try (UpstreamDatabase trustUpstream = UpstreamDatabase.start(PostgresCluster.builder().auth(AuthMethod.TRUST));
         RunningProxy proxy = RunningProxy.start(List.of("--database-url", passwordless(trustUpstream),
             "--config", perUser.toString()))) {
      try (Connection scram = proxy.connect("rds_app", "app-secret")) {
        assertThat(scram.isValid(5)).isTrue();
      }
      try (Connection trusted = proxy.connect("local_job", "")) {
        assertThat(trusted.isValid(5)).isTrue();
      }
      try (Connection md5 = proxy.connect("legacy", "old-secret")) {
        assertThat(md5.isValid(5)).isTrue();
      }
      assertThat(catchThrowable(() -> proxy.connect("rds_app", "wrong").close()))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      assertThat(catchThrowable(() -> proxy.connect("legacy", "wrong").close()))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      assertThat(catchThrowable(() -> proxy.connect("far_away", "").close())).as("127.0.0.1 is not in 10.0.0.0/8")
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28000"));
    } finally {
      Files.deleteIfExists(perUser);
    }
  }

  private static String passwordless(UpstreamDatabase upstream) {
    return "postgres://" + UpstreamDatabase.USER + "@" + upstream.cluster().host() + ":" + upstream.cluster().port()
        + "/" + UpstreamDatabase.DATABASE + "?sslmode=disable";
  }
}
