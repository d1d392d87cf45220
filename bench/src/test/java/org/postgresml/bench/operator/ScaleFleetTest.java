package org.postgresml.bench.operator;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.validation.UpstreamUrl;

class ScaleFleetTest {

  @Test
  void namesSortInCreationOrder() {
    assertThat(new ScaleFleet("scale", 12).names()).hasSize(12).isSorted()
        .startsWith("scale-0001").endsWith("scale-0012");
  }

  @Test
  void eachProxyReferencesItsOwnSecretWithAnUrlTheOperatorAccepts() {
    ScaleFleet fleet = new ScaleFleet("scale", 2);

    PgmlProxy proxy = fleet.proxy("scale-0002");
    Secret secret = fleet.urlSecret("scale-0002");

    assertThat(proxy.getMetadata().getNamespace()).isEqualTo("scale");
    assertThat(proxy.getSpec().upstream.urlSecretRef.name).isEqualTo(secret.getMetadata().getName())
        .isNotEqualTo(fleet.urlSecret("scale-0001").getMetadata().getName());
    String url = new String(Base64.getDecoder().decode(secret.getData().get(proxy.getSpec().upstream.urlSecretRef.key)),
        StandardCharsets.UTF_8);
    assertThat(UpstreamUrl.parse(url).database()).isEqualTo("pgml_db");
  }
}
