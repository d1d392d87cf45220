package org.postgresml.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.postgresml.testing.FreePorts;
import org.postgresql.util.PSQLException;

/**
 * SIGHUP to the packaged proxy's process re-reads its configuration. The client's password lives in
 * a password file the file watcher does not watch, so only the signal can bring the new one in.
 */
class ReloadSignalIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  @TempDir
  Path directory;

  @Test
  void sighupReloadsTheConfiguration() throws Exception {
    // The proxy inherits this JVM's signal dispositions; under nohup no JVM ever sees a SIGHUP.
    org.junit.jupiter.api.Assumptions.assumeFalse(SignalDispositions.isIgnored(SignalDispositions.SIGHUP),
        "SIGHUP is ignored in this environment (nohup), so no child process can receive it");
    Path passwordFile = Files.writeString(directory.resolve("password"), "first-pw\n");
    Path config = Files.writeString(directory.resolve("pgml-proxy.yaml"), "upstream:\n  url: \""
        + upstream.url("disable") + "\"\nclientAuth:\n  users:\n    - name: app\n      passwordFile: \""
        + passwordFile + "\"\ntimeouts: {shutdown: 1s}\n");
    int port = FreePorts.next();
    Path stderr = directory.resolve("proxy.err");
    Process proxy = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        Path.of("target", "pgml-proxy.jar").toString(), "--config", config.toString(), "--listen-host",
        "127.0.0.1", "--port", Integer.toString(port), "--http-port", Integer.toString(FreePorts.next()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile()).start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
          .until(() -> {
            login(port, "first-pw").close();
            return true;
          });
      Connection session = login(port, "first-pw");
      Files.writeString(passwordFile, "second-pw\n");
      assertThatThrownBy(() -> login(port, "second-pw").close()).as("no reload yet")
          .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));

      assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(proxy.pid())).start().waitFor()).isZero();

      try {
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
          login(port, "second-pw").close();
          return true;
        });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        throw new AssertionError("SIGHUP did not bring in the new password; the proxy's log:\n"
            + Files.readString(stderr), e);
      }
      assertThatThrownBy(() -> login(port, "first-pw").close())
          .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
      assertThat(session.isValid(5)).as("the session from before the signal").isTrue();
      session.close();
    } finally {
      proxy.destroy();
      if (!proxy.waitFor(20, TimeUnit.SECONDS)) {
        proxy.destroyForcibly();
      }
    }
    assertThat(Files.readString(stderr)).doesNotContain("first-pw").doesNotContain("second-pw")
        .doesNotContain(upstream.password());
  }

  private static Connection login(int port, String password) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", "app");
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + UpstreamDatabase.DATABASE
        + "?sslmode=disable", properties);
  }
}
