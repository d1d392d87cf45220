package org.postgresml.bench.operator;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.SecretKeyRef;
import org.postgresml.operator.api.spec.UpstreamSpec;

/**
 * The resources of one scale run: {@code n} PgmlProxies with the defaults a user gets from the
 * minimal example, each referencing its own upstream-URL Secret (as separate teams' fleets would),
 * so the operator's Secret watch sees n referenced Secrets, not one shared by all.
 */
public final class ScaleFleet {

  public static final String URL_KEY = "DATABASE_URL";

  private final String namespace;
  private final List<String> names;

  public ScaleFleet(String namespace, int n) {
    this.namespace = namespace;
    // Zero-padded, so the names sort as they were created.
    this.names = IntStream.rangeClosed(1, n).mapToObj(i -> String.format(Locale.ROOT, "scale-%04d", i)).toList();
  }

  public String namespace() {
    return namespace;
  }

  public List<String> names() {
    return names;
  }

  public int size() {
    return names.size();
  }

  public static String urlSecretName(String proxyName) {
    return proxyName + "-upstream";
  }

  /** The upstream URL Secret a proxy references; created before the proxy, as a user would. */
  public Secret urlSecret(String proxyName) {
    String url = "postgres://pgml_user:bench-pw-" + proxyName + "@pgml.example.test:6432/pgml_db?sslmode=require";
    return new SecretBuilder()
        .withNewMetadata().withName(urlSecretName(proxyName)).withNamespace(namespace).endMetadata()
        .addToData(URL_KEY, Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8)))
        .build();
  }

  public PgmlProxy proxy(String name) {
    PgmlProxy proxy = new PgmlProxy();
    proxy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(namespace).build());
    proxy.getSpec().upstream = new UpstreamSpec();
    proxy.getSpec().upstream.urlSecretRef = new SecretKeyRef(urlSecretName(name), URL_KEY);
    return proxy;
  }
}
