package org.postgresml.operator.validation;

import io.fabric8.kubernetes.api.model.Secret;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.ClientUserMethod;
import org.postgresml.operator.api.spec.ClientUserSpec;
import org.postgresml.operator.api.spec.Durations;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.api.spec.SecretKeyRef;
import org.postgresml.operator.render.ContainerLayout;
import org.postgresml.operator.render.FleetNames;
import org.postgresml.operator.render.RenderInputs;

/**
 * Checks what the CRD cannot (the referenced Secrets, the URL inside one, rules a cluster without
 * CEL lets through) and gathers the inputs of rendering.
 */
public final class InputsResolver {

  private final String defaultImage;

  public InputsResolver(String defaultImage) {
    this.defaultImage = defaultImage;
  }

  /** The result: inputs to render with, or the first problem found. */
  public sealed interface Resolution permits Resolved, Unresolved {
  }

  public record Resolved(RenderInputs inputs, UpstreamUrl upstream) implements Resolution {
  }

  public record Unresolved(SpecProblem problem) implements Resolution {
  }

  public Resolution resolve(PgmlProxy proxy, SecretLookup secrets, boolean serviceMonitorSupported) {
    try {
      checkSpec(proxy.getSpec());
      Optional<String> ruleBroken = SpecRules.problem(proxy);
      if (ruleBroken.isPresent()) {
        throw invalid(ruleBroken.get());
      }
      Map<String, String> digests = new LinkedHashMap<>();
      String namespace = proxy.getMetadata().getNamespace();
      PgmlProxySpec spec = proxy.getSpec();

      SecretKeyRef urlRef = spec.upstream.urlSecretRef;
      Secret urlSecret = require(secrets, namespace, urlRef.name, "spec.upstream.urlSecretRef");
      String url = requireKey(urlSecret, namespace, urlRef.key, "spec.upstream.urlSecretRef.key", digests);
      UpstreamUrl upstream;
      try {
        upstream = UpstreamUrl.parse(url);
      } catch (UpstreamUrl.InvalidUpstreamUrlException e) {
        throw new SpecProblem.Found(new SpecProblem(SpecProblem.INVALID_UPSTREAM_URL,
            "The URL in key " + urlRef.key + " of Secret " + namespace + "/" + urlRef.name + " is unusable: "
                + e.getMessage() + "."));
      }

      if (spec.upstream.caSecretRef != null) {
        SecretKeyRef ca = spec.upstream.caSecretRef;
        requireKey(require(secrets, namespace, ca.name, "spec.upstream.caSecretRef"), namespace, ca.key,
            "spec.upstream.caSecretRef.key", digests);
      }
      if (spec.tls != null) {
        Secret tls = require(secrets, namespace, spec.tls.secretRef.name, "spec.tls.secretRef");
        requireKey(tls, namespace, ContainerLayout.TLS_CERT_KEY, "spec.tls.secretRef", digests);
        requireKey(tls, namespace, ContainerLayout.TLS_KEY_KEY, "spec.tls.secretRef", digests);
      }
      String username = clientUsername(proxy, secrets, digests);
      for (int i = 0; i < spec.clientAuth.users.size(); i++) {
        SecretKeyRef ref = spec.clientAuth.users.get(i).passwordSecretRef;
        if (ref != null) {
          String field = "spec.clientAuth.users[" + i + "].passwordSecretRef";
          requireKey(require(secrets, namespace, ref.name, field), namespace, ref.key, field + ".key", digests);
        }
      }
      String image = spec.image != null && !spec.image.isBlank() ? spec.image : defaultImage;
      return new Resolved(new RenderInputs(image, username, digests, serviceMonitorSupported), upstream);
    } catch (SpecProblem.Found found) {
      return new Unresolved(found.problem());
    }
  }

  private static String clientUsername(PgmlProxy proxy, SecretLookup secrets, Map<String, String> digests)
      throws SpecProblem.Found {
    String namespace = proxy.getMetadata().getNamespace();
    var ref = proxy.getSpec().clientAuth.secretRef;
    if (ref != null) {
      Secret secret = require(secrets, namespace, ref.name, "spec.clientAuth.secretRef");
      requireKey(secret, namespace, ContainerLayout.CLIENT_PASSWORD_KEY, "spec.clientAuth.secretRef", digests);
      return requireKey(secret, namespace, ContainerLayout.CLIENT_USERNAME_KEY, "spec.clientAuth.secretRef", digests);
    }
    // A generated Secret is never rewritten: once it exists, its user name is the one clients were given.
    return secrets.find(FleetNames.generatedClientAuthSecret(proxy))
        .flatMap(s -> SecretLookup.value(s, ContainerLayout.CLIENT_USERNAME_KEY))
        .orElse(proxy.getSpec().clientAuth.username);
  }

  private static Secret require(SecretLookup secrets, String namespace, String name, String field)
      throws SpecProblem.Found {
    return secrets.find(name).orElseThrow(() -> new SpecProblem.Found(new SpecProblem(
        SpecProblem.SECRET_NOT_FOUND, "Secret " + namespace + "/" + name + " (" + field + ") does not exist.")));
  }

  /**
   * The value of a key the pods read, and its digest into {@code digests}: the pods roll when a
   * value they read changes, not when the Secret's metadata does (an annotation from Argo CD or
   * External Secrets changes its resourceVersion and nothing the proxy runs with).
   */
  private static String requireKey(Secret secret, String namespace, String key, String field,
      Map<String, String> digests) throws SpecProblem.Found {
    String value = SecretLookup.value(secret, key).orElseThrow(() -> new SpecProblem.Found(new SpecProblem(
        SpecProblem.SECRET_KEY_MISSING, "Secret " + namespace + "/" + secret.getMetadata().getName()
            + " has no key " + key + " (" + field + ").")));
    digests.put(secret.getMetadata().getName() + "/" + key, SecretDigest.of(value));
    return value;
  }

  /** The CRD's CEL rules and patterns again, for API servers that did not apply them. */
  private static void checkSpec(PgmlProxySpec spec) throws SpecProblem.Found {
    if (spec.upstream == null || spec.upstream.urlSecretRef == null) {
      throw invalid("spec.upstream.urlSecretRef is required.");
    }
    if (spec.pool.effectiveMinSize() > spec.pool.size) {
      throw invalid("spec.pool.minSize (" + spec.pool.minSize + ") exceeds spec.pool.size (" + spec.pool.size + ").");
    }
    if (spec.autoscaling != null && spec.autoscaling.effectiveMinReplicas() > spec.autoscaling.maxReplicas) {
      throw invalid("spec.autoscaling.minReplicas exceeds spec.autoscaling.maxReplicas.");
    }
    if (spec.autoscaling != null && spec.resources != null && (spec.resources.getRequests() == null
        || !spec.resources.getRequests().containsKey("cpu"))) {
      throw invalid("spec.autoscaling needs spec.resources.requests.cpu: the autoscaler's target is a percentage "
          + "of the CPU request.");
    }
    for (int i = 0; i < spec.clientAuth.users.size(); i++) {
      ClientUserSpec user = spec.clientAuth.users.get(i);
      String field = "spec.clientAuth.users[" + i + "]";
      if (user.name == null || user.name.isBlank()) {
        throw invalid(field + ".name is required.");
      }
      if (user.method != ClientUserMethod.TRUST && user.passwordSecretRef == null) {
        throw invalid(field + ".passwordSecretRef is required unless method is trust.");
      }
      if (user.method == ClientUserMethod.TRUST && user.address == null) {
        throw invalid(field + ".address is required for a trust user: the pods listen on every interface.");
      }
    }
    if (spec.tls != null && spec.tls.secretRef == null) {
      throw invalid("spec.tls.secretRef is required when spec.tls is set.");
    }
    for (String[] duration : new String[][] {
        {"spec.shutdownTimeout", spec.shutdownTimeout}, {"spec.shutdownGrace", spec.shutdownGrace},
        {"spec.upstream.connectTimeout", spec.upstream.connectTimeout},
        {"spec.pool.queryWaitTimeout", spec.pool.queryWaitTimeout},
        {"spec.pool.serverIdleTimeout", spec.pool.serverIdleTimeout},
        {"spec.pool.serverLifetime", spec.pool.serverLifetime}}) {
      try {
        Durations.parse(duration[1]);
      } catch (IllegalArgumentException e) {
        throw invalid(duration[0] + " is not a duration like 30s, 500ms, 5m or 1h.");
      }
    }
  }

  private static SpecProblem.Found invalid(String message) {
    return new SpecProblem.Found(new SpecProblem(SpecProblem.INVALID_SPEC, message));
  }
}
