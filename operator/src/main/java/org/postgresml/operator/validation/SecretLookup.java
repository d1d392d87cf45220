package org.postgresml.operator.validation;

import io.fabric8.kubernetes.api.model.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/** Finds a Secret of the PgmlProxy's namespace by name: the informer cache, or the file given to render. */
@FunctionalInterface
public interface SecretLookup {

  Optional<Secret> find(String name);

  /** The decoded value of a key, from data or (in files people write) stringData. */
  static Optional<String> value(Secret secret, String key) {
    if (secret.getData() != null && secret.getData().containsKey(key)) {
      return Optional.of(new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.UTF_8));
    }
    if (secret.getStringData() != null && secret.getStringData().containsKey(key)) {
      return Optional.of(secret.getStringData().get(key));
    }
    return Optional.empty();
  }
}
