package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.postgresml.operator.api.PgmlProxy;

/** The generated Secret with the user name and password clients log in with. */
public final class ClientAuthSecretRenderer {

  public static final String TYPE = "kubernetes.io/basic-auth";
  private static final SecureRandom RANDOM = new SecureRandom();

  private ClientAuthSecretRenderer() {
  }

  public static Secret render(PgmlProxy proxy, Supplier<String> password) {
    Map<String, String> data = new LinkedHashMap<>();
    data.put(ContainerLayout.CLIENT_USERNAME_KEY, ConfigSecretRenderer.base64(proxy.getSpec().clientAuth.username));
    data.put(ContainerLayout.CLIENT_PASSWORD_KEY, ConfigSecretRenderer.base64(password.get()));
    return new SecretBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.generatedClientAuthSecret(proxy)))
        .withType(TYPE)
        .withData(data)
        .build();
  }

  /** 32 URL-safe characters (192 random bits): safe in any client's connection string. */
  public static String newPassword() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
