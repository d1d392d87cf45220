package org.postgresml.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.FreePorts;

/** The shaded jar as an operator's container runs it: a separate process, env and flags, SIGTERM. */
class ProcessIT {

  private static final Path JAR = Path.of("target", "pgml-proxy.jar");

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  @BeforeAll
  static void jarBuilt() {
    assertThat(JAR).as("built by the package phase").exists();
  }

  private static Process launch(Map<String, String> env, Path stderr, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
    builder.environment().remove("DATABASE_URL");
    builder.environment().putAll(env);
    return builder.start();
  }

  @Test
  void databaseUrlFromTheEnvironmentIsEnoughThenSigtermDrains() throws Exception {
    int port = FreePorts.next();
    int httpPort = FreePorts.next();
    Path stderr = Files.createTempFile("pgml-proxy-", ".err");
    Path config = Files.createTempFile("pgml-proxy-", ".yaml");
    Files.writeString(config, "timeouts: {shutdown: 1s, shutdownGrace: 1s}\n");
    Process proxy = launch(Map.of("DATABASE_URL", upstream.url("disable"), "PGML_PROXY_CONFIG", config.toString()),
        stderr, "--listen-host", "127.0.0.1", "--port", Integer.toString(port), "--http-port",
        Integer.toString(httpPort), "--log-format", "json");
    try {
      HttpClient http = HttpClient.newHttpClient();
      // /livez answers from the start; /readyz once the login warm-up is over and clients are accepted.
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> get(http, httpPort, "/readyz").statusCode() == 200);
      assertThat(get(http, httpPort, "/livez").statusCode()).isEqualTo(200);

      Connection connection = connect(port);
      try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
        assertThat(rows.next()).isTrue();
      }
      HttpResponse<String> metrics = get(http, httpPort, "/metrics");
      assertThat(metrics.body()).contains("pgml_proxy_client_connections_accepted_total 1.0")
          .contains("pgml_proxy_client_connections_active 1.0").contains("pgml_proxy_upstream_connect_seconds_count 1");

      proxy.destroy(); // SIGTERM: the grace (1s), then the idle session is closed with 57P01
      assertThat(proxy.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.exitValue()).as("a drained proxy exits 0, as Kubernetes expects").isZero();
      assertThatThrownBy(() -> {
        try (Statement statement = connection.createStatement()) {
          statement.execute("SELECT 1");
        }
      }).isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isIn("57P01", "08006"));
      connection.close();

      ObjectMapper json = new ObjectMapper();
      List<JsonNode> lines = new ArrayList<>();
      for (String line : Files.readAllLines(stderr)) {
        lines.add(json.readTree(line)); // every line is one JSON object
      }
      assertThat(lines).anySatisfy(line -> assertThat(line.path("message").asText()).isEqualTo("pgml-proxy listening"));
      assertThat(Files.readString(stderr)).doesNotContain(upstream.password());
    } finally {
      proxy.destroyForcibly();
      Files.deleteIfExists(stderr);
      Files.deleteIfExists(config);
    }
  }

  @Test
  void adminShutdownEndsTheProcessWithExitZero() throws Exception {
    int port = FreePorts.next();
    int httpPort = FreePorts.next();
    Path stderr = Files.createTempFile("pgml-proxy-", ".err");
    Process proxy = launch(Map.of("DATABASE_URL", upstream.url("disable")), stderr, "--listen-host", "127.0.0.1",
        "--port", Integer.toString(port), "--http-port", Integer.toString(httpPort), "--shutdown-grace", "0s");
    try {
      HttpClient http = HttpClient.newHttpClient();
      Awaitility.await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .until(() -> get(http, httpPort, "/readyz").statusCode() == 200);
      ClientPrograms.Result shutdown = ClientPrograms.run(List.of(ClientPrograms.require("psql").toString(), "-h",
          "127.0.0.1", "-p", Integer.toString(port), "-U", UpstreamDatabase.USER, "-d", "pgml_proxy", "-X", "-c",
          "SHUTDOWN"), Map.of("PGPASSWORD", upstream.password(), "PGSSLMODE", "disable", "PGCONNECT_TIMEOUT", "10"),
          Duration.ofSeconds(60));
      assertThat(shutdown.exitCode()).as(shutdown.stderr()).isZero();
      assertThat(shutdown.stdout()).contains("SHUTDOWN");
      assertThat(proxy.waitFor(60, TimeUnit.SECONDS)).as("the process ends after SHUTDOWN").isTrue();
      assertThat(proxy.exitValue()).isZero();
    } finally {
      proxy.destroyForcibly();
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void helpExitsZero() throws Exception {
    Path stderr = Files.createTempFile("pgml-proxy-", ".err");
    try {
      Process help = launch(Map.of(), stderr, "--help");
      assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(help.exitValue()).isZero();
    } finally {
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void malformedUrlExitsTwoWithOneLine() throws Exception {
    Path stderr = Files.createTempFile("pgml-proxy-", ".err");
    try {
      Process bad = launch(Map.of("DATABASE_URL", "postgres://user:hunter2@:not-a-port/db"), stderr);
      assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(bad.exitValue()).isEqualTo(2);
      List<String> lines = Files.readAllLines(stderr);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).startsWith("pgml-proxy: invalid database URL").doesNotContain("hunter2");
    } finally {
      Files.deleteIfExists(stderr);
    }
  }

  @Test
  void takenPortExitsWithOneLine() throws Exception {
    Path stderr = Files.createTempFile("pgml-proxy-", ".err");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      Process proxy = launch(Map.of("DATABASE_URL", upstream.url("disable")), stderr, "--listen-host", "127.0.0.1",
          "--port", Integer.toString(taken.getLocalPort()), "--http-port", "0");
      assertThat(proxy.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(proxy.exitValue()).isEqualTo(1);
      assertThat(Files.readAllLines(stderr)).hasSize(1).first().asString().startsWith("pgml-proxy: cannot start:");
    } finally {
      Files.deleteIfExists(stderr);
    }
  }

  private static Connection connect(int port) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", UpstreamDatabase.USER);
    properties.setProperty("password", upstream.password());
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + UpstreamDatabase.DATABASE
        + "?sslmode=disable", properties);
  }

  private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
