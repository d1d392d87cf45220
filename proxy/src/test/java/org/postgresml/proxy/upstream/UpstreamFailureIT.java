package org.postgresml.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.testing.FreePorts;
import org.postgresml.testing.netty.NettyLeakCheck;
import org.postgresql.util.PSQLException;

/** An upstream that is down, or refuses the proxy, costs clients a class-08 error and nothing else. */
@ExtendWith(NettyLeakCheck.class)
class UpstreamFailureIT {

  /** Clients waiting on a pool that cannot connect fail after the connect timeout: keep it short here. */
  private static final String SHORT_CONNECT_TIMEOUT = ProxyConfigFile.write("upstream: {connectTimeout: 1s}\n").toString();

  @Test
  void unreachableUpstreamIsAClass08ErrorNamingTheHost() throws Exception {
    int nothingListens = FreePorts.next();
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url",
        "postgres://u:hunter2@127.0.0.1:" + nothingListens + "/" + UpstreamDatabase.DATABASE + "?sslmode=disable", "--config", SHORT_CONNECT_TIMEOUT))) {
      for (int attempt = 0; attempt < 2; attempt++) { // the proxy keeps serving after a failure
        Throwable thrown = catchThrowable(() -> proxy.connect("u", "hunter2").close());
        assertThat(thrown).isInstanceOfSatisfying(SQLException.class, e -> {
          assertThat(e.getSQLState()).startsWith("08");
          assertThat(e.getMessage()).contains("127.0.0.1:" + nothingListens).doesNotContain("hunter2");
        });
      }
      HttpResponse<String> ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + proxy.httpPort() + "/readyz")).timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(proxy.server().metrics().scrape()).contains("pgml_proxy_errors_total{sqlstate_class=\"08\"}");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aDatabaseTheUpstreamLacksIs3D000InPostgresqlsWords(String mode) throws SQLException {
    try (UpstreamDatabase upstream = UpstreamDatabase.start();
         RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"), "--pool-mode", mode))) {
      Properties login = new Properties();
      login.setProperty("user", UpstreamDatabase.USER);
      login.setProperty("password", upstream.password());
      Throwable thrown = catchThrowable(() -> DriverManager.getConnection(proxy.jdbcUrl("no_such_db", "disable"),
          login).close());
      assertThat(thrown).isInstanceOfSatisfying(PSQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("3D000");
        assertThat(e.getServerErrorMessage().getMessage()).isEqualTo("database \"no_such_db\" does not exist");
        assertThat(e.getServerErrorMessage().getSeverity()).isEqualTo("FATAL");
      });
      try (Connection connection = proxy.connect(UpstreamDatabase.USER, upstream.password())) {
        assertThat(connection.isValid(5)).as("the URL's database is still served").isTrue();
      }
    }
  }

  @Test
  void upstreamRefusingTheLoginIsClass08AndOthersAreStillServed() throws SQLException {
    try (UpstreamDatabase upstream = UpstreamDatabase.start();
         RunningProxy wrongPassword = RunningProxy.start(List.of("--database-url",
             upstream.url("disable").replace(upstream.password(), "stale-password"), "--config", SHORT_CONNECT_TIMEOUT));
         RunningProxy good = RunningProxy.start(List.of("--database-url", upstream.url("disable")))) {
      Throwable thrown = catchThrowable(() -> wrongPassword.connect(UpstreamDatabase.USER, "stale-password").close());
      assertThat(thrown).isInstanceOfSatisfying(SQLException.class, e -> {
        assertThat(e.getSQLState()).isEqualTo("08004");
        assertThat(e.getMessage()).contains("127.0.0.1:" + upstream.cluster().port()).contains("28P01")
            .doesNotContain("stale-password");
      });
      try (Connection connection = good.connect(UpstreamDatabase.USER, upstream.password())) {
        assertThat(connection.isValid(5)).isTrue();
      }
    }
  }
}
