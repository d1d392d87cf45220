package org.postgresml.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.uring.IoUring;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresml.proxy.ProxyProcess;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.FreePorts;

/**
 * The jar relays on every transport it can be asked for, as a container runs it: io_uring where this
 * kernel allows it (else the epoll it falls back to, which is what a container whose seccomp profile
 * forbids io_uring gets), epoll, NIO. Both sides of the relay (client and upstream) use the transport.
 */
class TransportIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  @ParameterizedTest(name = "{0}, {1} mode")
  @CsvSource({"io_uring, transaction", "io_uring, session", "epoll, transaction", "nio, session", "bogus, session"})
  void relaysLoginsQueriesAndALargeResult(String asked, String mode) throws Exception {
    String expected = switch (asked) {
      case "io_uring" -> IoUring.isAvailable() ? "io_uring" : "epoll";
      case "nio" -> "nio";
      default -> "epoll";
    };
    try (ProxyProcess proxy = ProxyProcess.launch(FreePorts.next(), Map.of(), List.of("-Dpgml.proxy.transport=" + asked),
        List.of("--database-url", upstream.url("disable"), "--upstream-sslmode", "disable", "--pool-mode", mode,
            "--pool-size", "2", "--log-format", "json"))) {
      proxy.awaitReady(Duration.ofSeconds(60));
      for (int login = 0; login < 3; login++) { // more logins than pooled connections: reuse, both ways
        try (Connection connection = connect(proxy.port()); Statement statement = connection.createStatement()) {
          try (ResultSet one = statement.executeQuery("SELECT 40 + " + login)) {
            assertThat(one.next()).isTrue();
            assertThat(one.getInt(1)).isEqualTo(40 + login);
          }
          // About 4 MB: many reads and writes, and backpressure on both sockets.
          try (ResultSet rows = statement.executeQuery("SELECT repeat('x', 1000) FROM generate_series(1, 4000)")) {
            int count = 0;
            while (rows.next()) {
              assertThat(rows.getString(1)).hasSize(1000);
              count++;
            }
            assertThat(count).isEqualTo(4000);
          }
        }
      }
      assertThat(transportOfStartupLine(proxy.stderr())).isEqualTo(expected);
    }
  }

  private static String transportOfStartupLine(String log) throws Exception {
    for (String line : log.lines().toList()) {
      if (line.startsWith("{")) {
        JsonNode entry = JSON.readTree(line);
        if (entry.path("message").asText().equals("pgml-proxy listening")) {
          for (JsonNode pair : entry.path("kvpList")) { // logback's JSON: [{"key": "value"}, ...]
            if (pair.has("transport")) {
              return pair.path("transport").asText();
            }
          }
        }
      }
    }
    throw new AssertionError("no startup line in:\n" + log);
  }

  private static Connection connect(int port) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("user", UpstreamDatabase.USER);
    properties.setProperty("password", upstream.password());
    properties.setProperty("sslmode", "disable");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + UpstreamDatabase.DATABASE,
        properties);
  }
}
