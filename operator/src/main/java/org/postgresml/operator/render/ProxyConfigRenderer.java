package org.postgresml.operator.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.CacheFunctionSpec;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.ClientUserSpec;
import org.postgresml.operator.api.spec.PgmlProxySpec;

/**
 * Renders the proxy's YAML file (docs/configuration.md). It holds no secret: the upstream URL
 * reaches the proxy as {@code DATABASE_URL} and client passwords as mounted files.
 */
public final class ProxyConfigRenderer {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private ProxyConfigRenderer() {
  }

  /**
   * Top-level sections the proxy applies from a changed file without a restart, and whose change must
   * not roll the pods: only these are left out of the pod-template hash. (The proxy reloads more, such
   * as pool sizes, but those roll the fleet as they always did.)
   */
  static final Set<String> RELOADED_IN_PLACE = Set.of("cache");

  /** The whole file, as mounted into the pods. */
  public static String render(PgmlProxy proxy, String clientUsername) {
    return write(config(proxy, clientUsername));
  }

  /**
   * The file without the sections in {@link #RELOADED_IN_PLACE}: what the pod-template hash covers.
   * Without those sections it is the whole file, so its hash is what it was before they existed.
   */
  public static String restartingPart(PgmlProxy proxy, String clientUsername) {
    Map<String, Object> config = config(proxy, clientUsername);
    config.keySet().removeAll(RELOADED_IN_PLACE);
    return write(config);
  }

  private static Map<String, Object> config(PgmlProxy proxy, String clientUsername) {
    PgmlProxySpec spec = proxy.getSpec();
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("listen", map("host", "0.0.0.0", "port", ContainerLayout.PG_PORT));
    config.put("http", map("port", ContainerLayout.HTTP_PORT));
    config.put("upstream", upstream(spec));
    if (spec.tls != null) {
      config.put("tls", map(
          "certFile", ContainerLayout.TLS_DIR + "/" + ContainerLayout.TLS_CERT_KEY,
          "keyFile", ContainerLayout.TLS_DIR + "/" + ContainerLayout.TLS_KEY_KEY,
          "required", Boolean.TRUE.equals(spec.tls.required)));
    }
    config.put("clientAuth", map(
        "method", spec.clientAuth.method.value(),
        "users", clientUsers(spec, clientUsername)));
    config.put("pool", map(
        "mode", spec.pool.mode.name(),
        "size", spec.pool.size,
        "minSize", spec.pool.effectiveMinSize(),
        "maxClientConn", spec.pool.maxClientConn,
        "queryWaitTimeout", spec.pool.queryWaitTimeout,
        "serverIdleTimeout", spec.pool.serverIdleTimeout,
        "serverLifetime", spec.pool.serverLifetime));
    config.put("timeouts", map("shutdown", spec.shutdownTimeout, "shutdownGrace", spec.shutdownGrace));
    config.put("log", map("format", spec.logFormat.name(), "connections", spec.logConnections));
    if (spec.cache != null && spec.cache.enabled()) {
      config.put("cache", cache(spec.cache));
    }
    return config;
  }

  private static String write(Map<String, Object> config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write the proxy configuration", e);
    }
  }

  /** Every key written out, defaults too, so the file says what the proxies run with. */
  private static Map<String, Object> cache(CacheSpec cache) {
    List<Map<String, Object>> functions = new ArrayList<>();
    for (CacheFunctionSpec function : cache.functions) {
      functions.add(map("name", function.name, "public", Boolean.TRUE.equals(function.isPublic)));
    }
    return map(
        "functions", functions,
        "maxSize", cache.maxSize,
        "ttl", cache.ttl,
        "generation", cache.generation == null ? 0L : cache.generation);
  }

  /** The user of the client-auth Secret first, then spec.clientAuth.users, each with its own method. */
  private static List<Map<String, Object>> clientUsers(PgmlProxySpec spec, String clientUsername) {
    List<Map<String, Object>> users = new ArrayList<>();
    users.add(map(
        "name", clientUsername,
        "passwordFile", ContainerLayout.CLIENT_AUTH_DIR + "/" + ContainerLayout.CLIENT_PASSWORD_KEY));
    for (int i = 0; i < spec.clientAuth.users.size(); i++) {
      ClientUserSpec user = spec.clientAuth.users.get(i);
      Map<String, Object> entry = map("name", user.name, "method", user.method.value());
      if (user.passwordSecretRef != null) {
        entry.put("passwordFile", ContainerLayout.clientUserDir(i) + "/" + ContainerLayout.CLIENT_PASSWORD_KEY);
      }
      if (user.address != null) {
        entry.put("address", user.address);
      }
      users.add(entry);
    }
    return users;
  }

  private static Map<String, Object> upstream(PgmlProxySpec spec) {
    Map<String, Object> upstream = new LinkedHashMap<>();
    upstream.put("sslMode", spec.upstream.sslMode.value());
    if (spec.upstream.caSecretRef != null) {
      upstream.put("sslRootCert", ContainerLayout.UPSTREAM_CA_DIR + "/" + ContainerLayout.UPSTREAM_CA_FILE_NAME);
    }
    upstream.put("connectTimeout", spec.upstream.connectTimeout);
    return upstream;
  }

  /** An insertion-ordered map, so the file (and its hash) is the same on every render. */
  private static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }
}
