package org.postgresml.proxy.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code postgres://user:password@host:port/database?sslmode=…} URL, as libpq and PgCat's
 * {@code --database-url} take it. Error messages and {@link #toString()} never contain the password.
 */
public record DatabaseUrl(String host, int port, String database, String user, String password,
                          Map<String, String> parameters) {

  public static final int DEFAULT_PORT = 5432;
  private static final int MAX_PORT = 65535;

  public DatabaseUrl {
    parameters = Map.copyOf(parameters);
  }

  public static DatabaseUrl parse(String text) {
    if (text == null || text.isBlank()) {
      throw new ConfigException("invalid database URL: empty");
    }
    URI uri;
    try {
      uri = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new ConfigException("invalid database URL: malformed at index " + e.getIndex()
          + " (expected postgres://user:password@host:port/database)");
    }
    if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
      throw new ConfigException("invalid database URL: scheme must be postgres:// or postgresql://");
    }
    String host = uri.getHost();
    if (host == null && uri.getRawAuthority() != null && uri.getRawAuthority().matches(".*:[0-9]+")) {
      // java.net.URI gives up on a host whose port does not fit an int; say what is wrong with it.
      throw new ConfigException("invalid database URL: the port must be between 1 and 65535");
    }
    if (uri.getPort() == 0 || uri.getPort() > MAX_PORT) {
      throw new ConfigException("invalid database URL: port " + uri.getPort() + " is not between 1 and 65535");
    }
    if (host == null || host.isEmpty()) {
      throw new ConfigException("invalid database URL: no host (expected postgres://user:password@host:port/database)");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty()) {
      throw new ConfigException("invalid database URL: no user (expected postgres://user:password@host:port/database)");
    }
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    String database = path.length() > 1 ? decode(path.substring(1)) : user;
    Map<String, String> parameters = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String pair : uri.getRawQuery().split("&")) {
        if (pair.isEmpty()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException("invalid database URL: query parameter without a value");
        }
        parameters.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
      }
    }
    return new DatabaseUrl(host, uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), database, user, password,
        parameters);
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("invalid database URL: bad percent-encoding");
    }
  }

  public Optional<String> parameter(String name) {
    return Optional.ofNullable(parameters.get(name));
  }

  /** host:port, for messages and logs. */
  public String address() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }

  @Override
  public String toString() {
    return "postgres://" + user + ":***@" + address() + "/" + database;
  }
}
