package org.postgresml.bench.target;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresml.bench.Endpoint;
import org.postgresml.bench.run.ManagedProcess;
import org.postgresml.testing.FreePorts;

/**
 * pgml-proxy from a runnable jar ({@code --proxy-jar}, env {@code PGML_PROXY_JAR}, default
 * {@code proxy/target/pgml-proxy.jar}; a second one as the "before" target with {@code --baseline-jar}),
 * started with the flags of docs/configuration.md and, for the cache scenario, a YAML file with the
 * {@code cache:} section of the cache contract.
 */
public final class PgmlProxy implements Pooler {

  public static final String NAME = "pgml-proxy";

  /** The cache scenario's target suffix: the same jar with the AI-call cache on. */
  public static final String CACHE_SUFFIX = "+cache";

  /** The contract's configuration: {@code pgml.embed} cached and shared by the users of a database. */
  public static final String CACHE_YAML = """
      cache:
        functions:
          - name: pgml.embed
            public: true
      """;

  /** {@link #CACHE_YAML} in one line, for the results. */
  public static final String CACHE_DESCRIPTION = "cache.functions: [{name: pgml.embed, public: true}]";

  /** The proxy's cache package in the shaded jar; a jar without it has no cache to turn on. */
  private static final String CACHE_PACKAGE = "org/postgresml/proxy/cache/";

  private static final Pattern COMMIT_IN_FILE_NAME = Pattern.compile("pgml-proxy-([0-9a-f]{7,40})\\.jar");

  /**
   * The JVM as in the operator's default pod: a 512 MiB memory limit and the image's
   * {@code MaxRAMPercentage=75} (so the heap is sized as there, not as on this 24 GiB machine), and
   * the collector that limit makes the JVM choose: below 1792 MiB of container memory it is no
   * "server-class machine" and takes the serial collector, a choice {@code MaxRAM} does not change
   * (it ran G1 here until issue 17's memory profile found it). Same options in every run, recorded in
   * the results.
   */
  public static final String DEFAULT_JVM_OPTIONS = "-XX:MaxRAM=512m -XX:MaxRAMPercentage=75 -XX:+UseSerialGC";

  public static final List<String> JVM_OPTIONS = List.of(
      Optional.ofNullable(System.getenv("PGML_PROXY_JAVA_OPTS")).orElse(DEFAULT_JVM_OPTIONS).trim().split("\\s+"));

  private final String name;
  private final Path jar;
  private final Optional<String> configYaml;

  public PgmlProxy(Path jar) {
    this(NAME, jar, Optional.empty());
  }

  private PgmlProxy(String name, Path jar, Optional<String> configYaml) {
    this.name = name;
    this.jar = jar;
    this.configYaml = configYaml;
  }

  /** A "before" jar, named after the commit in its file name ({@code pgml-proxy-16c52fa.jar}: pgml-proxy@16c52fa). */
  public static PgmlProxy baseline(Path jar, Optional<String> name) {
    return new PgmlProxy(name.orElseGet(() -> baselineName(jar)), jar, Optional.empty());
  }

  static String baselineName(Path jar) {
    Matcher matcher = COMMIT_IN_FILE_NAME.matcher(jar.getFileName().toString());
    return NAME + "@" + (matcher.matches() ? matcher.group(1) : "baseline");
  }

  /** The same jar with {@code cache.functions: [{name: pgml.embed, public: true}]}, named {@code <name>+cache}. */
  public PgmlProxy withCache() {
    return new PgmlProxy(name + CACHE_SUFFIX, jar, Optional.of(CACHE_YAML));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Optional<String> unavailableReason() {
    if (!Files.isRegularFile(jar)) {
      return Optional.of("no pgml-proxy jar at " + jar + " (build it with ./mvnw -q -pl proxy -am package -DskipTests,"
          + " or set PGML_PROXY_JAR)");
    }
    if (configYaml.isPresent() && !hasCache(jar)) {
      return Optional.of("the proxy has no cache (no " + CACHE_PACKAGE + " in " + jar.getFileName() + ")");
    }
    return Optional.empty();
  }

  static boolean hasCache(Path jar) {
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.stream().anyMatch(entry -> entry.getName().startsWith(CACHE_PACKAGE));
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String version() {
    if (!Files.isRegularFile(jar)) {
      return "not built";
    }
    try {
      return jar + " (built " + Instant.ofEpochMilli(Files.getLastModifiedTime(jar).toMillis()) + ", "
          + Files.size(jar) / 1024 + " KiB)";
    } catch (IOException e) {
      return jar.toString();
    }
  }

  @Override
  public String describe(PoolerSettings settings) {
    return "`java " + String.join(" ", JVM_OPTIONS) + " -jar " + jar.getFileName() + " "
        + String.join(" ", flags(settings, "postgres://bench:***@<upstream>/bench", 0)) + "`"
        + configYaml.map(yaml -> " with `--config` holding `" + CACHE_DESCRIPTION + "`").orElse("");
  }

  @Override
  public Target start(PoolerSettings settings, Endpoint upstream, Path workDir) {
    unavailableReason().ifPresent(reason -> {
      throw new IllegalStateException(reason);
    });
    int port = FreePorts.next();
    String url = "postgres://" + upstream.user() + ":" + upstream.password() + "@" + upstream.host() + ":"
        + upstream.port() + "/" + upstream.database();
    String fileStem = name.replaceAll("[^A-Za-z0-9.+-]", "_") + "-" + settings.mode().key() + "-" + port;
    List<String> command = new ArrayList<>(List.of(javaBinary()));
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-jar", jar.toString()));
    command.addAll(flags(settings, url, port));
    if (configYaml.isPresent()) {
      Path config = workDir.resolve(fileStem + ".yaml");
      try {
        Files.createDirectories(workDir);
        Files.writeString(config, configYaml.get());
      } catch (IOException e) {
        throw new UncheckedIOException("could not write " + config, e);
      }
      command.addAll(List.of("--config", config.toString()));
    }
    Endpoint endpoint = upstream.at("127.0.0.1", port);
    ManagedProcess process = ManagedProcess.start(name, command, Map.of(), workDir.resolve(fileStem + ".log"),
        Duration.ofSeconds(60), () -> Probe.answers(endpoint));
    return new PoolerProcess(name, endpoint, process);
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
