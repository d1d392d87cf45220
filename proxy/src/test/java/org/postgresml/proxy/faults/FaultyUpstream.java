package org.postgresml.proxy.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.net.FaultRelay;

/**
 * A real PostgreSQL behind a {@link FaultRelay}: the proxy is given the relay's address, so a test
 * can drop, cut, stall, refuse or black-hole the link, or kill a backend with SIGKILL. Started once
 * per test class and closed after it: {@code @RegisterExtension static final FaultyUpstream
 * upstream = FaultyUpstream.create();}
 */
final class FaultyUpstream implements BeforeAllCallback, AfterAllCallback {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final List<String> ownerStatements = new ArrayList<>();
  private UpstreamDatabase database;
  private FaultRelay relay;

  private FaultyUpstream() {
  }

  static FaultyUpstream create() {
    return new FaultyUpstream();
  }

  /** Runs the statements as the database's owner, straight to it (not through the relay), once it is up. */
  FaultyUpstream prepareAsOwner(String... statements) {
    ownerStatements.addAll(List.of(statements));
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    database = UpstreamDatabase.start();
    relay = FaultRelay.start(database.cluster().host(), database.cluster().port());
    if (!ownerStatements.isEmpty()) {
      database.executeAsOwner(ownerStatements.toArray(String[]::new));
    }
  }

  UpstreamDatabase database() {
    return database;
  }

  PostgresCluster cluster() {
    return database.cluster();
  }

  FaultRelay relay() {
    return relay;
  }

  /** The URL the proxy is given: the upstream's, through the relay. */
  String url() {
    return "postgres://" + UpstreamDatabase.USER + ":" + database.password() + "@" + relay.host() + ":"
        + relay.port() + "/" + UpstreamDatabase.DATABASE + "?sslmode=disable";
  }

  /** A client of the proxy with a socket timeout, so that a hang fails the test instead of stalling it. */
  Connection connect(RunningProxy proxy) throws SQLException {
    java.util.Properties bounded = new java.util.Properties();
    bounded.setProperty("socketTimeout", "60");
    return proxy.connect(UpstreamDatabase.USER, database.password(), bounded);
  }

  /** The pid of the one backend of the proxy's role whose query starts so (from pg_stat_activity). */
  Optional<Integer> backendRunning(String queryPrefix) throws SQLException {
    try (Connection direct = cluster().connect(); Statement statement = direct.createStatement();
         ResultSet rows = statement.executeQuery("SELECT pid FROM pg_stat_activity WHERE usename = '"
             + UpstreamDatabase.USER + "' AND query LIKE '" + queryPrefix.replace("'", "''")
             + "%' AND state = 'active'")) {
      return rows.next() ? Optional.of(rows.getInt(1)) : Optional.empty();
    }
  }

  /** SIGKILL to one backend: it vanishes without a word (and the postmaster restarts all backends). */
  static void kill9(int pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-9", Integer.toString(pid)).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -9 " + pid + " failed: " + new String(kill.getInputStream().readAllBytes()));
    }
  }

  /** Whether the upstream takes connections again (after a crash restart). */
  boolean upstreamAccepts() {
    try (Connection direct = cluster().connect()) {
      return direct.isValid(5);
    } catch (SQLException e) {
      return false;
    }
  }

  static int readyz(RunningProxy proxy) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.httpPort() + "/readyz"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (relay != null) {
        relay.close();
      }
    } finally {
      if (database != null) {
        database.close();
      }
    }
  }
}
