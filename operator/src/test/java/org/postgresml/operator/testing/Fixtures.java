package org.postgresml.operator.testing;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.SecretKeyRef;
import org.postgresml.operator.api.spec.UpstreamSpec;

/** Small PgmlProxies and Secrets the tests start from. */
public final class Fixtures {

  public static final String NAMESPACE = "apps";
  public static final String URL_SECRET = "pgml-cloud";
  public static final String URL_KEY = "DATABASE_URL";
  public static final String URL = "postgres://pgml_user:s3cret-pw@db.example.test:6432/pgml_db?sslmode=require";

  private Fixtures() {
  }

  public static PgmlProxy proxy(String name) {
    PgmlProxy proxy = new PgmlProxy();
    proxy.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).build());
    proxy.getSpec().upstream = new UpstreamSpec();
    proxy.getSpec().upstream.urlSecretRef = new SecretKeyRef(URL_SECRET, URL_KEY);
    return proxy;
  }

  public static Secret urlSecret(String url) {
    return new SecretBuilder()
        .withNewMetadata().withName(URL_SECRET).withNamespace(NAMESPACE).endMetadata()
        .addToData(URL_KEY, Base64.getEncoder().encodeToString(url.getBytes(StandardCharsets.UTF_8)))
        .build();
  }
}
