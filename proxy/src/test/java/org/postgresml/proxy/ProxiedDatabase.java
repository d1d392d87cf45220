package org.postgresml.proxy;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test class's stand-in PostgresML and the proxy in front of it, started once per class:
 * {@code @RegisterExtension static final ProxiedDatabase db = new ProxiedDatabase();}
 */
public final class ProxiedDatabase implements BeforeAllCallback, AfterAllCallback {

  private final List<String> proxyArguments;
  private final Consumer<UpstreamDatabase> prepare;
  private UpstreamDatabase upstream;
  private RunningProxy proxy;

  public ProxiedDatabase(String... proxyArguments) {
    this(upstream -> { }, proxyArguments);
  }

  /** @param prepare runs against the upstream before the proxy starts (tables, data) */
  public ProxiedDatabase(Consumer<UpstreamDatabase> prepare, String... proxyArguments) {
    this.prepare = prepare;
    this.proxyArguments = List.of(proxyArguments);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    upstream = UpstreamDatabase.start();
    prepare.accept(upstream);
    List<String> arguments = new ArrayList<>(List.of("--database-url", upstream.url("disable")));
    arguments.addAll(proxyArguments);
    proxy = RunningProxy.start(arguments);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (proxy != null) {
      proxy.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  public UpstreamDatabase upstream() {
    return upstream;
  }

  public RunningProxy proxy() {
    return proxy;
  }

  /** A pgjdbc connection through the proxy as the URL's user. */
  public Connection connect() throws SQLException {
    return proxy.connect(UpstreamDatabase.USER, upstream.password());
  }
}
