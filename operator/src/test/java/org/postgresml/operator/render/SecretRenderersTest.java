package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.testing.Fixtures;

/** The configuration Secret, the generated client credentials and the status SQL. */
class SecretRenderersTest {

  @Test
  void configSecretCarriesTheRenderedFile() {
    Secret secret = ConfigSecretRenderer.render(Fixtures.proxy("p"), "listen: {}\n");
    assertThat(secret.getMetadata().getName()).isEqualTo("p-config");
    assertThat(decode(secret.getData().get("pgml-proxy.yaml"))).isEqualTo("listen: {}\n");
    assertThat(secret.getStringData()).isNullOrEmpty();
  }

  @Test
  void clientAuthSecretIsBasicAuthWithAFreshStrongPassword() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().clientAuth.username = "rds_app";
    Secret first = ClientAuthSecretRenderer.render(proxy, ClientAuthSecretRenderer::newPassword);
    Secret second = ClientAuthSecretRenderer.render(proxy, ClientAuthSecretRenderer::newPassword);

    assertThat(first.getType()).isEqualTo("kubernetes.io/basic-auth");
    assertThat(first.getMetadata().getName()).isEqualTo("p-client-auth");
    assertThat(decode(first.getData().get("username"))).isEqualTo("rds_app");
    String password = decode(first.getData().get("password"));
    assertThat(password).hasSize(32).matches("[A-Za-z0-9_-]+");
    assertThat(decode(second.getData().get("password"))).isNotEqualTo(password);
  }

  @Test
  void connectSqlNamesTheSecretInsteadOfThePassword() {
    String sql = ConnectSqlRenderer.render(Fixtures.proxy("p"), "p.apps.svc", 6432, "pgml_db", "o'brien");
    assertThat(sql).isEqualTo("""
        CREATE EXTENSION IF NOT EXISTS dblink;
        CREATE EXTENSION IF NOT EXISTS postgres_fdw;
        CREATE SERVER postgresml FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'p.apps.svc', port '6432', \
        dbname 'pgml_db');
        CREATE USER MAPPING FOR CURRENT_USER SERVER postgresml OPTIONS (user 'o''brien', password '<the key \
        password of Secret apps/p-client-auth>');""");
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
