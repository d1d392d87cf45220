package org.postgresml.operator.validation;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.api.spec.ValidationPatterns;
import org.postgresml.operator.render.ContainerLayout;

/**
 * The CRD's CEL rules again, for an API server that did not run them (an older CRD, a cluster
 * before CEL), and what CEL cannot express: a CIDR's address parsed, a label key's prefix length,
 * quantities compared (requests at most limits). Each problem names the field, so a spec the API
 * server would refuse in a dependent ends Degraded instead of in a loop of 422s.
 */
final class SpecRules {

  private static final int LABEL_PREFIX_MAX = 253;

  private SpecRules() {
  }

  static Optional<String> problem(PgmlProxy proxy) {
    PgmlProxySpec spec = proxy.getSpec();
    String name = proxy.getMetadata().getName();
    if (name.length() > ValidationPatterns.FLEET_NAME_MAX || !name.matches(ValidationPatterns.FLEET_NAME)) {
      return Optional.of("metadata.name " + name + " must be at most " + ValidationPatterns.FLEET_NAME_MAX
          + " lower-case letters, digits and '-', starting with a letter (no dots): " + name
          + "-peers must be a valid Service name.");
    }
    return first(
        cidrs("spec.networkPolicy.allowedCIDRs", spec.networkPolicy == null ? List.of() : spec.networkPolicy.allowedCIDRs),
        cidrs("spec.service.loadBalancerSourceRanges", spec.service.loadBalancerSourceRanges),
        cidrs("spec.clientAuth.users[].address", spec.clientAuth.users.stream()
            .map(u -> u.address).filter(java.util.Objects::nonNull).toList()),
        labels("spec.podTemplate.labels", spec.podTemplate.labels, true),
        labels("spec.podTemplate.annotations", spec.podTemplate.annotations, false),
        labels("spec.service.labels", spec.service.labels, true),
        labels("spec.service.annotations", spec.service.annotations, false),
        labels("spec.monitoring.labels", spec.monitoring.labels, true),
        resources(spec.resources),
        spec.service.port != null && spec.service.port == ContainerLayout.HTTP_PORT
            ? Optional.of("spec.service.port " + ContainerLayout.HTTP_PORT + " is the proxies' metrics port on the "
                + "same Service; choose another.") : Optional.empty(),
        CacheRules.problem(spec),
        spec.pool.sessionServerAt != null && !spec.pool.sessionServerAt.matches(ValidationPatterns.SESSION_SERVER_AT)
            ? Optional.of("spec.pool.sessionServerAt must be first-message or login.") : Optional.empty(),
        spec.monitoring.interval != null && !spec.monitoring.interval.matches(ValidationPatterns.PROMETHEUS_DURATION)
            ? Optional.of("spec.monitoring.interval must be a Prometheus duration, units largest first (30s, 1m30s).")
            : Optional.empty());
  }

  @SafeVarargs
  private static Optional<String> first(Optional<String>... problems) {
    for (Optional<String> problem : problems) {
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> cidrs(String field, List<String> cidrs) {
    for (String cidr : cidrs == null ? List.<String>of() : cidrs) {
      if (!isCidr(cidr)) {
        return Optional.of(field + ": " + cidr + " is not a CIDR such as 10.0.0.0/16 or fd00::/64.");
      }
    }
    return Optional.empty();
  }

  static boolean isCidr(String cidr) {
    int slash = cidr.indexOf('/');
    if (slash < 0 || !cidr.matches(ValidationPatterns.CIDR)) {
      return false;
    }
    String address = cidr.substring(0, slash);
    try {
      // Literal addresses only (the pattern allows no host names), so this never resolves a name.
      InetAddress parsed = InetAddress.getByName(address);
      int bits = Integer.parseInt(cidr.substring(slash + 1));
      return bits <= parsed.getAddress().length * 8;
    } catch (UnknownHostException | NumberFormatException e) {
      return false;
    }
  }

  private static Optional<String> labels(String field, Map<String, String> labels, boolean checkValues) {
    for (Map.Entry<String, String> label : labels == null ? Map.<String, String>of().entrySet() : labels.entrySet()) {
      String key = label.getKey();
      int slash = key.indexOf('/');
      if (!key.matches(ValidationPatterns.LABEL_KEY) || slash > LABEL_PREFIX_MAX) {
        return Optional.of(field + ": the key " + key + " is not valid (" + ValidationPatterns.LABELS_MESSAGE + ").");
      }
      if (checkValues && (label.getValue() == null || !label.getValue().matches(ValidationPatterns.LABEL_VALUE))) {
        return Optional.of(field + ": the value of " + key + " is not valid (" + ValidationPatterns.LABELS_MESSAGE
            + ").");
      }
    }
    return Optional.empty();
  }

  private static Optional<String> resources(ResourceRequirements resources) {
    if (resources == null) {
      return Optional.empty();
    }
    Map<String, Quantity> requests = resources.getRequests() == null ? Map.of() : resources.getRequests();
    Map<String, Quantity> limits = resources.getLimits() == null ? Map.of() : resources.getLimits();
    for (var entry : Map.of("requests", requests, "limits", limits).entrySet()) {
      for (var quantity : entry.getValue().entrySet()) {
        if (!quantity.getValue().toString().matches(ValidationPatterns.QUANTITY)) {
          return Optional.of("spec.resources." + entry.getKey() + "." + quantity.getKey()
              + " is not a quantity such as 250m, 0.5, 128Mi or 1Gi.");
        }
      }
    }
    for (var request : requests.entrySet()) {
      Quantity limit = limits.get(request.getKey());
      if (limit != null && request.getValue().getNumericalAmount().compareTo(limit.getNumericalAmount()) > 0) {
        return Optional.of("spec.resources.requests." + request.getKey() + " (" + request.getValue()
            + ") exceeds spec.resources.limits." + request.getKey() + " (" + limit + ").");
      }
    }
    return Optional.empty();
  }
}
