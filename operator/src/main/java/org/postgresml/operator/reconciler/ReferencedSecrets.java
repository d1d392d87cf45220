package org.postgresml.operator.reconciler;

import io.fabric8.kubernetes.api.model.Secret;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.validation.SecretLookup;

/**
 * The Secrets a PgmlProxy references (URL, CA, TLS, client auth), which it does not own, read by
 * name and read again every poll interval; a change reconciles that PgmlProxy, so a new URL rolls
 * its fleet. Not an informer: an informer of Secrets lists and watches every Secret of the watched
 * namespaces (Helm releases, ServiceAccount tokens, certificates) and keeps them all in the
 * operator's memory; this holds only the ones some PgmlProxy names, and needs only get on Secrets
 * for them.
 */
final class ReferencedSecrets {

  static final String EVENT_SOURCE = "referenced-secrets";

  private ReferencedSecrets() {
  }

  static PerResourcePollingEventSource<Secret, PgmlProxy, String> eventSource(EventSourceContext<PgmlProxy> context,
      Duration pollInterval) {
    var configuration = new PerResourcePollingConfigurationBuilder<Secret, PgmlProxy, String>(
        proxy -> fetch(context, proxy), pollInterval)
        .withName(EVENT_SOURCE)
        .withResourceIDMapper(secret -> secret.getMetadata().getName())
        .build();
    return new PerResourcePollingEventSource<>(Secret.class, context, configuration);
  }

  private static Set<Secret> fetch(EventSourceContext<PgmlProxy> context, PgmlProxy proxy) {
    var secrets = context.getClient().secrets().inNamespace(proxy.getMetadata().getNamespace());
    Set<Secret> found = new LinkedHashSet<>();
    for (String name : names(proxy)) {
      Secret secret = secrets.withName(name).get();
      if (secret != null) {
        found.add(secret);
      }
    }
    return found;
  }

  /** Reads a Secret the PgmlProxy references from what was last fetched for it. */
  static SecretLookup lookup(PerResourcePollingEventSource<Secret, PgmlProxy, String> source, PgmlProxy proxy) {
    Set<Secret> fetched = source.getSecondaryResources(proxy);
    return name -> fetched.stream().filter(secret -> Objects.equals(name, secret.getMetadata().getName())).findFirst();
  }

  /** The names a PgmlProxy reads; the generated client-auth Secret too (its user name goes into the config). */
  static List<String> names(PgmlProxy proxy) {
    PgmlProxySpec spec = proxy.getSpec();
    Set<String> names = new LinkedHashSet<>();
    if (spec.upstream != null && spec.upstream.urlSecretRef != null) {
      names.add(spec.upstream.urlSecretRef.name);
    }
    if (spec.upstream != null && spec.upstream.caSecretRef != null) {
      names.add(spec.upstream.caSecretRef.name);
    }
    if (spec.tls != null && spec.tls.secretRef != null) {
      names.add(spec.tls.secretRef.name);
    }
    if (spec.unreadable == null) {
      names.add(FleetNames.clientAuthSecret(proxy));
      for (var user : spec.clientAuth.users) {
        if (user.passwordSecretRef != null) {
          names.add(user.passwordSecretRef.name);
        }
      }
    }
    return List.copyOf(names);
  }
}
