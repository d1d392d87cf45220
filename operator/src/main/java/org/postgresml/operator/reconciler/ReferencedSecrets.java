package org.postgresml.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.validation.SecretLookup;

/**
 * Watches the Secrets a PgmlProxy references (URL, CA, TLS, client auth), which it does not own:
 * a change of one reconciles every PgmlProxy that names it, so a new URL rolls the fleet.
 */
final class ReferencedSecrets {

  static final String EVENT_SOURCE = "referenced-secrets";
  private static final String INDEX = "referenced-secret";

  private ReferencedSecrets() {
  }

  static InformerEventSource<Secret, PgmlProxy> eventSource(EventSourceContext<PgmlProxy> context) {
    context.getPrimaryCache().addIndexer(INDEX, ReferencedSecrets::indexKeys);
    var configuration = InformerEventSourceConfiguration.from(Secret.class, PgmlProxy.class)
        .withName(EVENT_SOURCE)
        .withSecondaryToPrimaryMapper(secret -> context.getPrimaryCache()
            .byIndex(INDEX, key(secret.getMetadata().getNamespace(), secret.getMetadata().getName()))
            .stream().map(ResourceID::fromResource).collect(Collectors.toSet()))
        .build();
    return new InformerEventSource<>(configuration, context);
  }

  /** Reads a Secret of the PgmlProxy's namespace from the informer cache (no API request). */
  static SecretLookup lookup(InformerEventSource<Secret, PgmlProxy> source, PgmlProxy proxy) {
    return name -> source.get(new ResourceID(name, proxy.getMetadata().getNamespace()));
  }

  private static List<String> indexKeys(PgmlProxy proxy) {
    PgmlProxySpec spec = proxy.getSpec();
    String namespace = proxy.getMetadata().getNamespace();
    List<String> keys = new ArrayList<>();
    if (spec.upstream != null && spec.upstream.urlSecretRef != null) {
      keys.add(key(namespace, spec.upstream.urlSecretRef.name));
    }
    if (spec.upstream != null && spec.upstream.caSecretRef != null) {
      keys.add(key(namespace, spec.upstream.caSecretRef.name));
    }
    if (spec.tls != null && spec.tls.secretRef != null) {
      keys.add(key(namespace, spec.tls.secretRef.name));
    }
    keys.add(key(namespace, FleetNames.clientAuthSecret(proxy)));
    return keys;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }
}
