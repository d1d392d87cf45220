package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.postgresml.operator.api.PgmlProxy;

/** The Secret that carries the rendered proxy configuration file. */
public final class ConfigSecretRenderer {

  private ConfigSecretRenderer() {
  }

  public static Secret render(PgmlProxy proxy, String configYaml) {
    return new SecretBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.configSecret(proxy)))
        .withType("Opaque")
        // data, not stringData: the API server returns data only, so comparing stays exact.
        .withData(Map.of(ContainerLayout.CONFIG_FILE_NAME, base64(configYaml)))
        .build();
  }

  static String base64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }
}
