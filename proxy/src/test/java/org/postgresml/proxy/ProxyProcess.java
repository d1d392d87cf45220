package org.postgresml.proxy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.postgresml.testing.FreePorts;

/** The shaded jar run as its own process on loopback and free ports, as a container runs it. */
public final class ProxyProcess implements AutoCloseable {

  public static final Path JAR = Path.of("target", "pgml-proxy.jar");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final Process process;
  private final int port;
  private final int httpPort;
  private final Path stderr;

  private ProxyProcess(Process process, int port, int httpPort, Path stderr) {
    this.process = process;
    this.port = port;
    this.httpPort = httpPort;
    this.stderr = stderr;
  }

  /**
   * Starts the jar with the given flags plus loopback host and the given port; returns without waiting.
   * Without a {@code --shutdown-grace} among the flags it gets 0s, so that closing it takes no grace.
   */
  public static ProxyProcess launch(int port, Map<String, String> env, List<String> args) throws IOException {
    return launch(port, env, List.of(), args);
  }

  /** As {@link #launch(int, Map, List)}, with JVM options (system properties) before {@code -jar}. */
  public static ProxyProcess launch(int port, Map<String, String> env, List<String> jvmOptions, List<String> args)
      throws IOException {
    int httpPort = FreePorts.next();
    Path stderr = Files.createTempFile("pgml-proxy-", ".err");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Dio.netty.leakDetection.level=paranoid"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", JAR.toString(), "--listen-host", "127.0.0.1", "--port",
        Integer.toString(port), "--http-port", Integer.toString(httpPort)));
    command.addAll(args);
    if (!args.contains("--shutdown-grace")) {
      command.addAll(List.of("--shutdown-grace", "0s"));
    }
    if (!args.contains("--warm-up-logins")) {
      // A tenth of the default warm-up: these tests start many fresh JVMs one after another (a
      // rollout, a fleet), each paying its warm-up; ProcessIT and the image ITs start with the default.
      command.addAll(List.of("--warm-up-logins", "100"));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(stderr.toFile());
    builder.environment().remove("DATABASE_URL");
    builder.environment().putAll(env);
    return new ProxyProcess(builder.start(), port, httpPort, stderr);
  }

  /** Waits until /readyz answers 200 (the upstream is reachable). */
  public ProxyProcess awaitReady(Duration timeout) {
    Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
        .until(() -> get("/readyz").statusCode() == 200);
    return this;
  }

  public int port() {
    return port;
  }

  public int httpPort() {
    return httpPort;
  }

  /** SIGTERM, as the kubelet sends it; returns at once. */
  public void terminate() {
    process.destroy();
  }

  /** Waits for the process to end; its exit status. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("pgml-proxy on port " + port + " still runs after " + timeout);
    }
    return process.exitValue();
  }

  /** The value of one Prometheus sample line (name with its labels, exactly as exposed), 0 when absent. */
  public double metric(String sample) throws IOException, InterruptedException {
    for (String line : get("/metrics").body().lines().toList()) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return 0;
  }

  public String stderr() throws IOException {
    return Files.readString(stderr);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() throws IOException {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    Files.deleteIfExists(stderr);
  }
}
