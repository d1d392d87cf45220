package org.postgresml.proxy.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The login warm-up at start: the logins it was asked for (each with a query through a pool of its
 * own, in both pool modes), made over its own loopback listener (gone once the proxy listens) with
 * every client auth method and with TLS, and invisible to the proxy's clients, sessions, pools and
 * meters; its database is not one the public port serves.
 */
@ExtendWith(NettyLeakCheck.class)
class LoginWarmUpIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  private static ProxyOptions warmUp(int logins) {
    return ProxyOptions.defaults().with("--warm-up-logins", Integer.toString(logins));
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void makesTheLoginsItWasAskedForBeforeListeningAndNoClientOrMeterSeesThem(String mode) throws SQLException {
    try (RunningProxy proxy = upstream.startProxy(warmUp(200).poolMode(mode))) {
      LoginWarmUp.Outcome outcome = proxy.server().warmUpOutcome().orElseThrow();
      assertThat(outcome.logins()).isEqualTo(200);
      assertThat(outcome.stoppedBecause()).isEmpty();
      assertThat(accepted(proxy)).as("client connections accepted before any client came").isZero();
      assertThat(proxy.server().activeSessions()).isZero();
      try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password());
           Statement statement = connection.createStatement();
           ResultSet rows = statement.executeQuery("SELECT 41 + 1")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getInt(1)).isEqualTo(42);
        assertThat(accepted(proxy)).isEqualTo(1.0);
        assertThat(proxy.server().activeSessions()).isEqualTo(1);
        assertThat(proxy.server().pools()).as("the proxy's pools").allSatisfy(key ->
            assertThat(key.database()).isEqualTo(UpstreamDatabase.DATABASE));
      }
    }
  }

  @Test
  void itsListenerIsClosedOnceTheProxyListens() {
    try (RunningProxy proxy = upstream.startProxy(warmUp(20))) {
      LoginWarmUp.Outcome outcome = proxy.server().warmUpOutcome().orElseThrow();
      assertThat(outcome.logins()).isEqualTo(20);
      assertThat(outcome.listener().getAddress().isLoopbackAddress()).isTrue();
      assertThat(outcome.listener().getPort()).isNotEqualTo(proxy.port());
      assertThatThrownBy(() -> new Socket(outcome.listener().getAddress(), outcome.listener().getPort()).close())
          .as("a connection to the warm-up's listener after the start").isInstanceOf(IOException.class);
    }
  }

  @Test
  void itsDatabaseIsNotServedOnThePublicPort() {
    try (RunningProxy proxy = upstream.startProxy(warmUp(20))) {
      Properties properties = new Properties();
      properties.setProperty("user", UpstreamDatabase.USER);
      properties.setProperty("password", upstream.password());
      // Asked for on the public port, the name is one more database of the upstream's, which has none of it.
      assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/"
          + WarmUpDatabase.NAME + "?sslmode=disable", properties).close())
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3D000"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"scram-sha-256", "md5", "trust"})
  void warmsUpWithEveryClientAuthMethod(String method) throws SQLException {
    try (RunningProxy proxy = upstream.startProxy(warmUp(50).clientAuth(method));
         Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password())) {
      assertThat(proxy.server().warmUpOutcome().orElseThrow().logins()).isEqualTo(50);
      assertThat(connection.isValid(5)).isTrue();
    }
  }

  @Test
  void logsInOverTlsWhereTheProxyRequiresIt(@TempDir Path dir) throws SQLException {
    CertificateAuthority authority = CertificateAuthority.create("warm-up test CA");
    Path ca = authority.writeCertificate(dir.resolve("ca.crt"));
    CertificateAuthority.IssuedCertificate certificate = authority.issueServer(dir, "proxy", "localhost",
        "127.0.0.1");
    ProxyOptions options = warmUp(50).with("--tls-cert", certificate.certificateFile().toString())
        .with("--tls-key", certificate.privateKeyFile().toString()).flag("--tls-required");
    Properties verifyFull = new Properties();
    verifyFull.setProperty("sslmode", "verify-full");
    verifyFull.setProperty("sslrootcert", ca.toString());
    try (RunningProxy proxy = upstream.startProxy(options);
         Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password(), verifyFull)) {
      LoginWarmUp.Outcome outcome = proxy.server().warmUpOutcome().orElseThrow();
      assertThat(outcome.stoppedBecause()).isEmpty();
      assertThat(outcome.logins()).isEqualTo(50);
      assertThat(connection.isValid(5)).isTrue();
    }
  }

  @Test
  void zeroTurnsItOff() {
    try (RunningProxy proxy = upstream.startProxy(warmUp(0))) {
      assertThat(proxy.server().warmUpOutcome()).isEmpty();
    }
  }

  private static double accepted(RunningProxy proxy) {
    return proxy.server().metrics().registry().get("pgml_proxy_client_connections_accepted").counter().count();
  }
}
