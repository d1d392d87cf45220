package org.postgresml.bench.target;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.bench.Endpoint;
import org.postgresml.bench.run.ManagedProcess;
import org.postgresml.testing.FreePorts;

/**
 * pgml-proxy from its runnable jar ({@code --proxy-jar}, env {@code PGML_PROXY_JAR}, default
 * {@code proxy/target/pgml-proxy.jar}), started with the flags of docs/configuration.md.
 */
public final class PgmlProxy implements Pooler {

  public static final String NAME = "pgml-proxy";

  /**
   * The JVM sized as in the operator's default pod: a 512 MiB memory limit and the image's
   * {@code MaxRAMPercentage=75} (so the JVM's own ergonomics pick heap and collector as they do
   * there, not as on this 24 GiB machine). Same options in every run, recorded in the results.
   */
  public static final String DEFAULT_JVM_OPTIONS = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75";

  public static final List<String> JVM_OPTIONS = List.of(
      Optional.ofNullable(System.getenv("PGML_PROXY_JAVA_OPTS")).orElse(DEFAULT_JVM_OPTIONS).trim().split("\\s+"));

  private final Path jar;

  public PgmlProxy(Path jar) {
    this.jar = jar;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Optional<String> unavailableReason() {
    return Files.isRegularFile(jar) ? Optional.empty()
        : Optional.of("no pgml-proxy jar at " + jar + " (build it with ./mvnw -q -pl proxy -am package -DskipTests,"
            + " or set PGML_PROXY_JAR)");
  }

  @Override
  public String version() {
    if (!Files.isRegularFile(jar)) {
      return "not built";
    }
    try {
      return jar + " (built " + Instant.ofEpochMilli(Files.getLastModifiedTime(jar).toMillis()) + ", "
          + Files.size(jar) / 1024 + " KiB)";
    } catch (java.io.IOException e) {
      return jar.toString();
    }
  }

  @Override
  public String describe(PoolerSettings settings) {
    return "`java " + String.join(" ", JVM_OPTIONS) + " -jar pgml-proxy.jar "
        + String.join(" ", flags(settings, "postgres://bench:***@<upstream>/bench", 0)) + "`";
  }

  @Override
  public Target start(PoolerSettings settings, Endpoint upstream, Path workDir) {
    unavailableReason().ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
    int port = FreePorts.next();
    String url = "postgres://" + upstream.user() + ":" + upstream.password() + "@" + upstream.host() + ":"
        + upstream.port() + "/" + upstream.database();
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(flags(settings, url, port));
    Endpoint endpoint = upstream.at("127.0.0.1", port);
    ManagedProcess process = ManagedProcess.start(NAME, command, Map.of(),
        workDir.resolve("pgml-proxy-" + settings.mode().key() + "-" + port + ".log"), Duration.ofSeconds(60),
        () -> Probe.answers(endpoint));
    return new PoolerProcess(NAME, endpoint, process);
  }

  private static List<String> flags(PoolerSettings settings, String url, int port) {
    return List.of("--database-url", url, "--listen-host", "127.0.0.1", "--port", Integer.toString(port),
        "--http-port", "0", "--client-auth", "scram-sha-256", "--upstream-sslmode", "disable",
        "--pool-mode", settings.mode().key(), "--pool-size", Integer.toString(settings.poolSize()),
        "--min-pool-size", Integer.toString(settings.minPoolSize()),
        "--max-client-conn", Integer.toString(settings.maxClientConn()),
        // As PgBouncer's log_connections = 0 / log_disconnections = 0 here: errors still logged.
        "--log-connections", "false");
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
