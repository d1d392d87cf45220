package org.postgresml.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.generator.annotation.Default;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.ClientAuthSpec;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.api.spec.PoolSpec;
import org.postgresml.operator.api.spec.UpstreamSpec;
import org.postgresml.proxy.config.model.Setting;

/**
 * Where a PgmlProxy field sets one of the proxy's settings, its CRD default is the proxy's own (the
 * settings table's), both in the CRD ({@code @Default}) and in the Java model. Deliberately different,
 * and so not listed: {@code pool.minSize} (2 warm connections in production, the proxy's 0 on a
 * laptop), {@code logFormat} (json for log collectors, the proxy's text for a terminal) and
 * {@code upstream.sslMode} (require across the internet, the proxy's libpq-like prefer).
 */
class ProxyDefaultsTest {

  @Test
  void crdDefaultsAreTheProxysDefaults() throws ReflectiveOperationException {
    Map<Class<?>, Map<String, Setting>> fields = Map.of(
        PoolSpec.class, Map.of(
            "mode", Setting.POOL_MODE,
            "size", Setting.POOL_SIZE,
            "maxClientConn", Setting.POOL_MAX_CLIENT_CONN,
            "queryWaitTimeout", Setting.POOL_QUERY_WAIT_TIMEOUT,
            "serverIdleTimeout", Setting.POOL_SERVER_IDLE_TIMEOUT,
            "serverLifetime", Setting.POOL_SERVER_LIFETIME),
        UpstreamSpec.class, Map.of("connectTimeout", Setting.UPSTREAM_CONNECT_TIMEOUT),
        ClientAuthSpec.class, Map.of("method", Setting.CLIENT_AUTH_METHOD),
        PgmlProxySpec.class, Map.of(
            "shutdownTimeout", Setting.TIMEOUTS_SHUTDOWN,
            "shutdownGrace", Setting.TIMEOUTS_SHUTDOWN_GRACE,
            "logConnections", Setting.LOG_CONNECTIONS),
        CacheSpec.class, Map.of(
            "maxSize", Setting.CACHE_MAX_SIZE,
            "ttl", Setting.CACHE_TTL,
            "generation", Setting.CACHE_GENERATION));
    for (var type : fields.entrySet()) {
      Object instance = type.getKey().getDeclaredConstructor().newInstance();
      for (var field : type.getValue().entrySet()) {
        var javaField = type.getKey().getField(field.getKey());
        String where = type.getKey().getSimpleName() + "." + field.getKey();
        String proxyDefault = field.getValue().defaultText();
        assertThat(javaField.getAnnotation(Default.class)).as(where + " has a CRD default").isNotNull();
        assertThat(javaField.getAnnotation(Default.class).value()).as(where + " in the CRD").isEqualTo(proxyDefault);
        Object initial = javaField.get(instance);
        String initialText = initial instanceof Enum<?> e ? e.name() : String.valueOf(initial);
        if (initial instanceof org.postgresml.operator.api.spec.ClientAuthMethod method) {
          initialText = method.value();
        }
        assertThat(initialText).as(where + " in Java").isEqualTo(proxyDefault);
      }
    }
  }
}
