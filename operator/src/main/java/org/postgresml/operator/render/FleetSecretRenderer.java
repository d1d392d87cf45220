package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Supplier;
import org.postgresml.operator.api.PgmlProxy;

/** The generated Secret every proxy pod of a fleet shares to sign the cancels it forwards to its peers. */
public final class FleetSecretRenderer {

  public static final String TYPE = "Opaque";
  private static final SecureRandom RANDOM = new SecureRandom();

  private FleetSecretRenderer() {
  }

  public static Secret render(PgmlProxy proxy, Supplier<String> secret) {
    return new SecretBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.fleetSecret(proxy)))
        .withType(TYPE)
        .withData(Map.of(ContainerLayout.FLEET_SECRET_KEY, ConfigSecretRenderer.base64(secret.get())))
        .build();
  }

  /** 32 random bytes as 64 hex characters (the proxy needs at least 16 bytes). */
  public static String newSecret() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }
}
