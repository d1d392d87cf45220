package org.postgresml.operator.render;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.CacheFunctionSpec;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.ClientUserSpec;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.proxy.config.model.ConfigFile;
import org.postgresml.proxy.config.model.ConfigWords;

/**
 * Renders the proxy's YAML file (docs/configuration.md) by filling the proxy's own model
 * (proxy-config's {@link ConfigFile}), so a key the proxy renames fails to compile here. It holds
 * no secret: the upstream URL reaches the proxy as {@code DATABASE_URL} and client passwords as
 * mounted files.
 */
public final class ProxyConfigRenderer {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

  private ProxyConfigRenderer() {
  }

  /** The whole file, as mounted into the pods. */
  public static String render(PgmlProxy proxy, String clientUsername) {
    return write(config(proxy, clientUsername));
  }

  /**
   * The file without the sections the proxy applies from a changed file without a restart, and whose
   * change must not roll the pods (only {@code cache}): what the pod-template hash covers. Without
   * them it is the whole file, so its hash is what it was before they existed. (The proxy reloads
   * more, such as pool sizes, but those roll the fleet as they always did.)
   */
  public static String restartingPart(PgmlProxy proxy, String clientUsername) {
    return write(config(proxy, clientUsername).withoutCache());
  }

  static ConfigFile config(PgmlProxy proxy, String clientUsername) {
    PgmlProxySpec spec = proxy.getSpec();
    ConfigFile.Tls tls = spec.tls == null ? null : new ConfigFile.Tls(
        ContainerLayout.TLS_DIR + "/" + ContainerLayout.TLS_CERT_KEY,
        ContainerLayout.TLS_DIR + "/" + ContainerLayout.TLS_KEY_KEY,
        Boolean.TRUE.equals(spec.tls.required));
    ConfigFile.Pool pool = new ConfigFile.Pool(
        spec.pool.mode.name(), spec.pool.size, spec.pool.effectiveMinSize(), spec.pool.maxClientConn,
        spec.pool.queryWaitTimeout, spec.pool.serverIdleTimeout, spec.pool.serverLifetime,
        null, null, null, null, null, null, spec.pool.sessionServerAt);
    return new ConfigFile(
        new ConfigFile.Listen(ConfigWords.ALL_ADDRESSES, ContainerLayout.PG_PORT, null),
        new ConfigFile.Http(ContainerLayout.HTTP_PORT),
        upstream(spec),
        tls,
        new ConfigFile.ClientAuth(spec.clientAuth.method.value(), null, clientUsers(spec, clientUsername)),
        null,
        pool,
        null,
        new ConfigFile.Timeouts(null, spec.shutdownTimeout, spec.shutdownGrace),
        new ConfigFile.Log(spec.logFormat.name(), spec.logConnections),
        null,
        null,
        spec.cache != null && spec.cache.enabled() ? cache(spec.cache) : null);
  }

  private static String write(ConfigFile config) {
    try {
      return YAML.writeValueAsString(config);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write the proxy configuration", e);
    }
  }

  /** Every key written out, defaults too, so the file says what the proxies run with. */
  private static ConfigFile.Cache cache(CacheSpec cache) {
    List<ConfigFile.CacheFunction> functions = new ArrayList<>();
    for (CacheFunctionSpec function : cache.functions) {
      functions.add(new ConfigFile.CacheFunction(function.name, Boolean.TRUE.equals(function.isPublic)));
    }
    return new ConfigFile.Cache(functions, cache.maxSize, cache.ttl,
        cache.generation == null ? 0L : cache.generation);
  }

  /** The user of the client-auth Secret first, then spec.clientAuth.users, each with its own method. */
  private static List<ConfigFile.User> clientUsers(PgmlProxySpec spec, String clientUsername) {
    List<ConfigFile.User> users = new ArrayList<>();
    users.add(new ConfigFile.User(clientUsername, null, null,
        ContainerLayout.CLIENT_AUTH_DIR + "/" + ContainerLayout.CLIENT_PASSWORD_KEY, null));
    for (int i = 0; i < spec.clientAuth.users.size(); i++) {
      ClientUserSpec user = spec.clientAuth.users.get(i);
      users.add(new ConfigFile.User(user.name, user.method.value(), null,
          user.passwordSecretRef == null ? null
              : ContainerLayout.clientUserDir(i) + "/" + ContainerLayout.CLIENT_PASSWORD_KEY,
          user.address));
    }
    return users;
  }

  private static ConfigFile.Upstream upstream(PgmlProxySpec spec) {
    return new ConfigFile.Upstream(null, spec.upstream.sslMode.value(),
        spec.upstream.caSecretRef == null ? null
            : ContainerLayout.UPSTREAM_CA_DIR + "/" + ContainerLayout.UPSTREAM_CA_FILE_NAME,
        spec.upstream.connectTimeout);
  }
}
