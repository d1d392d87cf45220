package org.postgresml.proxy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postgresml.proxy.config.ProxySettings;

/** The real proxy, started in this JVM from command-line arguments, on free loopback ports. */
public final class RunningProxy implements AutoCloseable {

  private final ProxyServer server;

  private RunningProxy(ProxyServer server) {
    this.server = server;
  }

  /** Starts with the given arguments plus loopback host and free ports (unless given). */
  public static RunningProxy start(List<String> arguments) {
    return start(arguments, Map.of());
  }

  public static RunningProxy start(List<String> arguments, Map<String, String> env) {
    List<String> args = new ArrayList<>(List.of("--listen-host", "127.0.0.1", "--port", "0", "--http-port",
        Integer.toString(org.postgresml.testing.FreePorts.next())));
    if (!arguments.contains("--warm-up-logins")) {
      // Tests start hundreds of proxies in one JVM, whose JIT is warm after the first: LoginWarmUpIT
      // and the tests that run the jar or the operator's rendering keep the default warm-up.
      args.addAll(List.of("--warm-up-logins", "0"));
    }
    args.addAll(arguments);
    StringWriter errors = new StringWriter();
    CommandLineParser.Outcome outcome = CommandLineParser.parse(args.toArray(String[]::new), env,
        new PrintWriter(new StringWriter()), new PrintWriter(errors));
    ProxySettings settings = outcome.settings().orElseThrow(() -> new IllegalArgumentException(errors.toString()));
    try {
      return new RunningProxy(new ProxyServer(settings, outcome.reloader()).start());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public ProxyServer server() {
    return server;
  }

  public int port() {
    return server.address().getPort();
  }

  public int httpPort() {
    return server.httpAddress().orElseThrow().getPort();
  }

  public String jdbcUrl(String database, String sslMode) {
    return "jdbc:postgresql://127.0.0.1:" + port() + "/" + database + "?sslmode=" + sslMode;
  }

  public Connection connect(String user, String password) throws SQLException {
    return connect(user, password, new Properties());
  }

  public Connection connect(String user, String password, Properties extra) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", user);
    properties.setProperty("password", password);
    properties.setProperty("connectTimeout", "10");
    properties.putAll(extra);
    String sslMode = properties.getProperty("sslmode", "disable");
    return DriverManager.getConnection(jdbcUrl(UpstreamDatabase.DATABASE, sslMode), properties);
  }

  @Override
  public void close() {
    server.shutdown(Duration.ZERO);
  }
}
