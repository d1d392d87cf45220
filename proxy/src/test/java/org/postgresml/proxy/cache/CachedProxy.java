package org.postgresml.proxy.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.proxy.admin.AdminConsole;
import org.postgresml.testing.PgmlStandIn;

/**
 * A real proxy with the answer cache on, started from a YAML file (two client users, md5), in front
 * of the stand-in PostgresML; what a test needs to ask it and the upstream.
 */
final class CachedProxy implements AutoCloseable {

  static final String ALICE = "alice";
  static final String BOB = "bob";
  static final Map<String, String> PASSWORDS = Map.of(ALICE, "alice-pw", BOB, "bob-pw");

  private final UpstreamDatabase upstream;
  private final String mode;
  private final Path file;
  private final RunningProxy proxy;
  private final String queryWaitTimeout;

  CachedProxy(UpstreamFixture upstream, String mode, int poolSize, String cacheYaml) {
    this(upstream.database(), mode, poolSize, cacheYaml);
  }

  CachedProxy(UpstreamFixture upstream, String mode, int poolSize, String queryWaitTimeout, String cacheYaml) {
    this(upstream.database(), mode, poolSize, queryWaitTimeout, cacheYaml);
  }

  CachedProxy(UpstreamDatabase upstream, String mode, int poolSize, String cacheYaml) {
    this(upstream, mode, poolSize, "30s", cacheYaml);
  }

  CachedProxy(UpstreamDatabase upstream, String mode, int poolSize, String queryWaitTimeout, String cacheYaml) {
    this.upstream = upstream;
    this.mode = mode;
    this.queryWaitTimeout = queryWaitTimeout;
    this.file = ProxyConfigFile.write(yaml(poolSize, cacheYaml));
    this.proxy = RunningProxy.start(List.of("--config", file.toString()));
  }

  private String yaml(int poolSize, String cacheYaml) {
    return """
        upstream:
          url: %s
        clientAuth:
          method: md5
          users:
            - {name: alice, password: alice-pw}
            - {name: bob, password: bob-pw}
        pool:
          mode: %s
          size: %d
          queryWaitTimeout: %s
        %s
        """.formatted(upstream.url("disable"), mode, poolSize, queryWaitTimeout, cacheYaml);
  }

  /** Rewrites the file's cache section and reloads (as RELOAD, SIGHUP or the file watcher would). */
  void reload(int poolSize, String cacheYaml) {
    try {
      Files.writeString(file, yaml(poolSize, cacheYaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    proxy.server().reload().toCompletableFuture().join();
  }

  static String embed(String model, String text) {
    return "SELECT pgml.embed('" + model.replace("'", "''") + "', '" + text.replace("'", "''") + "')";
  }

  WireClient login(String user) throws IOException {
    return WireClient.login(proxy.port(), user, PASSWORDS.get(user));
  }

  WireClient login(String user, Map<String, String> startup) throws IOException {
    return WireClient.login(proxy.port(), user, PASSWORDS.get(user), startup);
  }

  /** How many times pgml.embed ran on the upstream, read there directly. */
  long calls() throws SQLException {
    try (Connection connection = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password()); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(PgmlStandIn.CALLS_SQL)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  /** SHOW CACHE's rows by function ("*" for the totals), column name to value. */
  Map<String, Map<String, String>> showCache() throws IOException {
    Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    for (Map<String, String> row : WireClient.rows(admin("SHOW CACHE"))) {
      rows.put(row.get("function"), row);
    }
    return rows;
  }

  long shown(String function, String column) throws IOException {
    return Long.parseLong(showCache().get(function).get(column));
  }

  /** Runs a command in the admin console and returns the reply's bytes. */
  byte[] admin(String command) throws IOException {
    try (WireClient admin = WireClient.login(proxy.port(), ALICE, PASSWORDS.get(ALICE),
        Map.of("database", AdminConsole.DATABASE))) {
      return admin.query(command);
    }
  }

  /** pgjdbc through the proxy to the upstream's database. */
  Connection jdbc(String user, Map<String, String> extra) throws SQLException {
    Properties properties = new Properties();
    properties.putAll(extra);
    return proxy.connect(user, PASSWORDS.get(user), properties);
  }

  RunningProxy proxy() {
    return proxy;
  }

  String mode() {
    return mode;
  }

  static List<String> modes() {
    return new ArrayList<>(List.of("session", "transaction"));
  }

  @Override
  public void close() {
    proxy.close();
  }
}
