package org.postgresml.operator.api.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The proxies' cache of AI function calls (YAML section {@code cache}). Every setting here reaches
 * running pods by the mounted config file, which the proxies reload: none of them rolls the pods.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
// functions is a map-type list keyed by name, so server-side apply merges two managers' entries by
// function (and the API server refuses the same function twice) instead of replacing the whole list.
@SchemaCustomizer(value = MapListSchema.class, input = "functions:name")
@ValidationRule(value = "!has(self.ttl) || duration(self.ttl) > duration('0s')",
    message = "cache.ttl must be longer than 0s")
public class CacheSpec {

  /** The most functions one fleet may allow; each is one comparison per statement in the proxy's matcher. */
  public static final int MAX_FUNCTIONS = 64;

  /** The proxy's bounds of maxSize. */
  public static final long MIN_MAX_SIZE = 1024L * 1024;
  public static final String MIN_MAX_SIZE_TEXT = "1MB";
  public static final long MAX_MAX_SIZE = 64L * 1024 * 1024 * 1024;
  public static final String MAX_MAX_SIZE_TEXT = "64GB";

  @Size(max = MAX_FUNCTIONS)
  @JsonPropertyDescription("The functions whose calls the proxies may answer from memory (an allow-list; empty: "
      + "the cache is off). A call is served from the cache only when its whole statement is one SELECT of "
      + "one of these with literal arguments, outside a transaction block.")
  public List<CacheFunctionSpec> functions = new ArrayList<>();

  @Default("256MB")
  @Pattern(ByteSizes.PATTERN)
  @JsonPropertyDescription("Bytes of results each pod keeps (65536, 512kB, 256MB, 1GB; a kB is 1024 bytes); the "
      + "least used go first. Keep it well inside the pods' memory limit: the JVM heap is 75% of the limit.")
  public String maxSize = "256MB";

  @Default("1h")
  @Pattern(Durations.PATTERN)
  // Bounds the CEL rule's estimated cost (the API server refuses a CRD whose rules may cost too much).
  @Size(max = 32)
  @JsonPropertyDescription("How long a result is served after it was fetched (30s, 10m, 1h).")
  public String ttl = "1h";

  @Default("0")
  @Min(0)
  @JsonPropertyDescription("Change it (e.g. after a model upgrade) to empty every pod's cache, without a restart.")
  public Long generation = 0L;

  /** Whether the proxies cache anything: with no function allowed, no cache section is rendered. */
  public boolean enabled() {
    return functions != null && !functions.isEmpty();
  }
}
