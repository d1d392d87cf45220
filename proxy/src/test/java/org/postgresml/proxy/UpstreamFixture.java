package org.postgresml.proxy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresml.testing.PostgresCluster;

/**
 * A test class's throwaway stand-in PostgresML, and the proxies in front of it that the class
 * names, started once before its tests and closed after them:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final UpstreamFixture upstream = UpstreamFixture.create()
 *     .withProxy(ProxyOptions.defaults().poolMode("transaction"));
 * }</pre>
 *
 * Each class gets its own cluster on its own free ports, so classes stay isolated and may run in
 * parallel. A test that needs a proxy of its own starts it with {@link #startProxy} and closes it.
 */
public final class UpstreamFixture implements BeforeAllCallback, AfterAllCallback {

  /** The name of the proxy {@link #withProxy(ProxyOptions)} starts. */
  private static final String DEFAULT_PROXY = "default";

  private final PostgresCluster.Builder cluster;
  private final List<Consumer<UpstreamDatabase>> preparations = new ArrayList<>();
  private final Map<String, ProxyOptions> proxyOptions = new LinkedHashMap<>();
  private final Map<String, RunningProxy> proxies = new LinkedHashMap<>();
  private UpstreamDatabase upstream;

  private UpstreamFixture(PostgresCluster.Builder cluster) {
    this.cluster = cluster;
  }

  /** An upstream with the cluster's defaults (scram-sha-256, no TLS). */
  public static UpstreamFixture create() {
    return create(PostgresCluster.builder());
  }

  public static UpstreamFixture create(PostgresCluster.Builder cluster) {
    return new UpstreamFixture(cluster);
  }

  /** Runs against the upstream once it is up and before any proxy starts (tables, data, checks). */
  public UpstreamFixture prepare(Consumer<UpstreamDatabase> preparation) {
    preparations.add(preparation);
    return this;
  }

  /** Runs the statements as the database's owner, the user the proxy logs in as. */
  public UpstreamFixture prepareAsOwner(String... statements) {
    return prepare(upstream -> upstream.executeAsOwner(statements));
  }

  /** The class's one proxy, reached with {@link #proxy()}. */
  public UpstreamFixture withProxy(ProxyOptions options) {
    return withProxy(DEFAULT_PROXY, options);
  }

  /** One of several proxies of the class, reached with {@link #proxy(String)}; started in the order named. */
  public UpstreamFixture withProxy(String name, ProxyOptions options) {
    if (proxyOptions.putIfAbsent(name, options) != null) {
      throw new IllegalArgumentException("a proxy named " + name + " is already declared");
    }
    return this;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    upstream = UpstreamDatabase.start(cluster);
    preparations.forEach(preparation -> preparation.accept(upstream));
    proxyOptions.forEach((name, options) -> proxies.put(name, startProxy(options)));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<AutoCloseable> open = new ArrayList<>(proxies.values());
    Collections.reverse(open);
    open.add(upstream);
    proxies.clear();
    upstream = null;
    IllegalStateException failure = null;
    for (AutoCloseable closeable : open) {
      try {
        if (closeable != null) {
          closeable.close();
        }
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("could not close the test's upstream or proxy", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** A proxy of the test's own in front of this upstream (plain connections); the caller closes it. */
  public RunningProxy startProxy(ProxyOptions options) {
    return RunningProxy.start(options.toArguments(url("disable")));
  }

  /** The proxy declared with {@link #withProxy(ProxyOptions)}. */
  public RunningProxy proxy() {
    return proxy(DEFAULT_PROXY);
  }

  public RunningProxy proxy(String name) {
    RunningProxy proxy = proxies.get(name);
    if (proxy == null) {
      throw new IllegalStateException("no proxy named " + name + " is running (declared: " + proxyOptions.keySet()
          + ")");
    }
    return proxy;
  }

  /** A pgjdbc connection through the class's proxy as the URL's user. */
  public Connection connect() throws SQLException {
    return connect(DEFAULT_PROXY);
  }

  /** The same, with further pgjdbc connection properties. */
  public Connection connect(Properties extra) throws SQLException {
    return connect(DEFAULT_PROXY, extra);
  }

  /** A pgjdbc connection through the named proxy as the URL's user. */
  public Connection connect(String proxy) throws SQLException {
    return connect(proxy, new Properties());
  }

  public Connection connect(String proxy, Properties extra) throws SQLException {
    return proxy(proxy).connect(UpstreamDatabase.USER, password(), extra);
  }

  public UpstreamDatabase database() {
    if (upstream == null) {
      throw new IllegalStateException("the upstream runs only between beforeAll and afterAll");
    }
    return upstream;
  }

  public PostgresCluster cluster() {
    return database().cluster();
  }

  public String password() {
    return database().password();
  }

  /** The URL a user gives the proxy, with the given sslmode. */
  public String url(String sslMode) {
    return database().url(sslMode);
  }
}
