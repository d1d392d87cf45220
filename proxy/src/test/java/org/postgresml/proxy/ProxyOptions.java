package org.postgresml.proxy;

import java.util.ArrayList;
import java.util.List;

/**
 * The command-line options a test gives the proxy, besides the upstream's URL (which the fixture
 * that starts the proxy adds): {@code ProxyOptions.defaults().poolMode("transaction").poolSize(2)}.
 */
public final class ProxyOptions {

  private final List<String> arguments;

  private ProxyOptions(List<String> arguments) {
    this.arguments = arguments;
  }

  /** The proxy's own defaults: session mode, its default pool size, no client authentication of its own. */
  public static ProxyOptions defaults() {
    return new ProxyOptions(List.of());
  }

  public ProxyOptions poolMode(String mode) {
    return with("--pool-mode", mode);
  }

  public ProxyOptions poolSize(int size) {
    return with("--pool-size", Integer.toString(size));
  }

  public ProxyOptions clientAuth(String method) {
    return with("--client-auth", method);
  }

  /** Any other option, as on the command line. */
  public ProxyOptions with(String option, String value) {
    List<String> more = new ArrayList<>(arguments);
    more.add(option);
    more.add(value);
    return new ProxyOptions(List.copyOf(more));
  }

  /** A flag that takes no value ({@code --tls-required}). */
  public ProxyOptions flag(String option) {
    List<String> more = new ArrayList<>(arguments);
    more.add(option);
    return new ProxyOptions(List.copyOf(more));
  }

  /** The full command line for a proxy in front of the given upstream URL. */
  public List<String> toArguments(String databaseUrl) {
    List<String> all = new ArrayList<>(List.of("--database-url", databaseUrl));
    all.addAll(arguments);
    return all;
  }
}
