package org.postgresml.operator.cli;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.render.ContainerLayout;
import org.postgresml.operator.validation.SecretLookup;

/**
 * Secrets for {@code render}: those in the file, and stand-ins for the ones a GitOps repository
 * rightly does not hold, so that a review still sees every object. Stand-ins are reported.
 */
final class PlaceholderSecrets implements SecretLookup {

  static final String PLACEHOLDER_URL = "postgres://user:password@postgresml.invalid:6432/pgml";

  private final Map<String, Secret> inFile;
  private final Map<String, Map<String, String>> standIns = new LinkedHashMap<>();
  private final Map<String, Boolean> used = new LinkedHashMap<>();

  PlaceholderSecrets(PgmlProxy proxy, Map<String, Secret> inFile) {
    this.inFile = inFile;
    PgmlProxySpec spec = proxy.getSpec();
    if (spec.upstream != null && spec.upstream.urlSecretRef != null) {
      standIn(spec.upstream.urlSecretRef.name).put(spec.upstream.urlSecretRef.key, PLACEHOLDER_URL);
    }
    if (spec.upstream != null && spec.upstream.caSecretRef != null) {
      standIn(spec.upstream.caSecretRef.name).put(spec.upstream.caSecretRef.key, "(CA certificate)");
    }
    if (spec.tls != null && spec.tls.secretRef != null) {
      standIn(spec.tls.secretRef.name).put(ContainerLayout.TLS_CERT_KEY, "(certificate)");
      standIn(spec.tls.secretRef.name).put(ContainerLayout.TLS_KEY_KEY, "(key)");
    }
    if (spec.clientAuth.secretRef != null) {
      String name = spec.clientAuth.secretRef.name;
      standIn(name).put(ContainerLayout.CLIENT_USERNAME_KEY, "<username in Secret " + name + ">");
      standIn(name).put(ContainerLayout.CLIENT_PASSWORD_KEY, "(password)");
    }
    for (var user : spec.clientAuth.users) {
      if (user.passwordSecretRef != null) {
        standIn(user.passwordSecretRef.name).put(user.passwordSecretRef.key, "(password)");
      }
    }
  }

  private Map<String, String> standIn(String name) {
    return standIns.computeIfAbsent(name, n -> new LinkedHashMap<>());
  }

  @Override
  public Optional<Secret> find(String name) {
    if (inFile.containsKey(name)) {
      return Optional.of(inFile.get(name));
    }
    if (!standIns.containsKey(name)) {
      return Optional.empty();
    }
    used.put(name, true);
    return Optional.of(new SecretBuilder().withNewMetadata().withName(name).endMetadata()
        .withStringData(standIns.get(name)).build());
  }

  /** Names of the Secrets that were not in the file. */
  Iterable<String> standInsUsed() {
    return used.keySet();
  }
}
