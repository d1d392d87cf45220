package org.postgresml.operator.validation;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.postgresml.operator.api.spec.ByteSizes;
import org.postgresml.operator.api.spec.CacheFunctionSpec;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.Durations;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.api.spec.ValidationPatterns;
import org.postgresml.operator.render.DeploymentRenderer;

/**
 * spec.cache re-checked (its OpenAPI patterns and CEL rule, the API server's one entry per function
 * name), and what neither can say: the byte budget within the proxy's bounds and within the pods'
 * memory. A pod whose cache does not fit would be killed for memory when the cache fills, long
 * after the change that caused it, so the operator refuses the spec up front.
 */
final class CacheRules {

  /** The JVM's heap is 75% of the container's memory (proxy/Dockerfile); half of it may be cache. */
  static final double MEMORY_SHARE = 0.5;

  private CacheRules() {
  }

  static Optional<String> problem(PgmlProxySpec spec) {
    CacheSpec cache = spec.cache;
    if (cache == null) {
      return Optional.empty();
    }
    if (cache.functions.size() > CacheSpec.MAX_FUNCTIONS) {
      return Optional.of("spec.cache.functions: at most " + CacheSpec.MAX_FUNCTIONS + " functions.");
    }
    Set<String> names = new HashSet<>();
    for (CacheFunctionSpec function : cache.functions) {
      if (function.name == null || !function.name.matches(ValidationPatterns.FUNCTION_NAME)) {
        return Optional.of("spec.cache.functions: " + function.name + " is not a schema-qualified function name in "
            + "lower case, such as pgml.embed.");
      }
      if (!names.add(function.name)) {
        return Optional.of("spec.cache.functions: " + function.name + " is listed twice.");
      }
    }
    if (cache.ttl == null || !cache.ttl.matches(Durations.PATTERN) || Durations.parse(cache.ttl).isZero()) {
      return Optional.of("spec.cache.ttl must be a duration longer than 0s, such as 10m or 1h.");
    }
    if (cache.generation == null || cache.generation < 0) {
      return Optional.of("spec.cache.generation must be 0 or more.");
    }
    return maxSize(cache.maxSize, spec);
  }

  private static Optional<String> maxSize(String maxSize, PgmlProxySpec spec) {
    if (maxSize == null || !maxSize.matches(ByteSizes.PATTERN)) {
      return Optional.of("spec.cache.maxSize must be a size such as 64MB, 512kB or 1GB.");
    }
    long bytes = ByteSizes.parse(maxSize);
    if (bytes < CacheSpec.MIN_MAX_SIZE || bytes > CacheSpec.MAX_MAX_SIZE) {
      return Optional.of("spec.cache.maxSize must be between " + CacheSpec.MIN_MAX_SIZE_TEXT + " and "
          + CacheSpec.MAX_MAX_SIZE_TEXT + ", not " + maxSize + ".");
    }
    Quantity limit = memoryLimit(spec);
    if (limit != null && BigDecimal.valueOf(bytes).compareTo(
        limit.getNumericalAmount().multiply(BigDecimal.valueOf(MEMORY_SHARE))) > 0) {
      return Optional.of("spec.cache.maxSize " + maxSize + " is more than half the pods' memory limit (" + limit
          + "): the JVM heap is 75% of the limit and also holds every connection's buffers. Lower maxSize or raise "
          + "spec.resources.limits.memory.");
    }
    return Optional.empty();
  }

  /** The memory limit the pods run with: the spec's, or the default resources' when it sets none. */
  private static Quantity memoryLimit(PgmlProxySpec spec) {
    var resources = spec.resources != null ? spec.resources : DeploymentRenderer.defaultResources();
    return resources.getLimits() == null ? null : resources.getLimits().get("memory");
  }
}
