package org.postgresml.operator.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.testing.Specimens;

/**
 * The CRD's CEL rules, evaluated with dev.cel as the API server evaluates them on kubectl apply:
 * every example and the all-features spec are admitted; each rule refuses its bad cases with its
 * own message, and no message cites a default the user never set.
 */
class CrdCelRulesTest {

  static final CrdValidation CRD = CrdValidation.of(Path.of(System.getProperty("crd.generated",
      "target/classes/META-INF/fabric8/pgmlproxies.postgresml.org-v1.yml")));
  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> specimens() {
    return Specimens.all().map(s -> Arguments.of(s.getKey(), s.getValue()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specimens")
  void everyExampleIsAdmitted(String name, PgmlProxy proxy) {
    assertThat(CRD.violations(asMap(proxy))).as(name).isEmpty();
  }

  /** Description, change to the basic example, the message expected (empty: admitted). */
  static Stream<Arguments> cases() {
    return Stream.of(
        bad("a name with a dot", o -> name(o, "pgml.proxy"), "metadata.name must be at most 57"),
        bad("a name starting with a digit", o -> name(o, "1pgml"), "metadata.name must be at most 57"),
        bad("a name of 58 characters", o -> name(o, "p".repeat(58)), "metadata.name must be at most 57"),
        ok("a name of 57 characters", o -> name(o, "p".repeat(57))),
        bad("an allowedCIDR with a 33-bit mask", o -> set(o, "spec.networkPolicy.allowedCIDRs", List.of("10.0.0.0/33")),
            "networkPolicy.allowedCIDRs must be CIDRs"),
        bad("an allowedCIDR that is a word", o -> set(o, "spec.networkPolicy.allowedCIDRs", List.of("office")),
            "networkPolicy.allowedCIDRs must be CIDRs"),
        ok("IPv6 allowedCIDRs", o -> set(o, "spec.networkPolicy.allowedCIDRs", List.of("fd00::/64", "10.0.0.0/8"))),
        bad("a source range without a mask", o -> {
          set(o, "spec.service.type", "LoadBalancer");
          set(o, "spec.service.loadBalancerSourceRanges", List.of("10.0.0.1"));
        }, "service.loadBalancerSourceRanges must be CIDRs"),
        bad("source ranges without a load balancer", o -> set(o, "spec.service.loadBalancerSourceRanges",
            List.of("10.0.0.0/16")), "service.loadBalancerSourceRanges needs service.type LoadBalancer"),
        bad("a pod label key with a space", o -> set(o, "spec.podTemplate.labels", Map.of("team name", "x")),
            "podTemplate.labels: label keys"),
        bad("a pod label value of 64 characters", o -> set(o, "spec.podTemplate.labels", Map.of("team", "v".repeat(64))),
            "podTemplate.labels: label keys"),
        bad("a Service label value with a slash", o -> set(o, "spec.service.labels", Map.of("team", "a/b")),
            "service.labels: label keys"),
        bad("a ServiceMonitor label key ending with a dash", o -> set(o, "spec.monitoring.labels", Map.of("release-", "p")),
            "monitoring.labels: label keys"),
        bad("an annotation key with two slashes", o -> set(o, "spec.podTemplate.annotations", Map.of("a/b/c", "x")),
            "podTemplate.annotations: annotation keys"),
        ok("prefixed labels and an empty value", o -> set(o, "spec.podTemplate.labels",
            Map.of("example.com/team", "data", "tier", ""))),
        bad("cpu: lots", o -> set(o, "spec.resources", Map.of("requests", Map.of("cpu", "lots"))),
            "resources: requests and limits must be quantities"),
        ok("quantities as numbers and strings", o -> set(o, "spec.resources",
            Map.of("requests", Map.of("cpu", 1, "memory", "1.5Gi"), "limits", Map.of("memory", "2Gi")))),
        bad("the metrics port as the Service port", o -> set(o, "spec.service.port", 9930),
            "service.port 9930 is the proxies' metrics port"),
        bad("autoscaling without a CPU request", o -> {
          set(o, "spec.autoscaling", Map.of("maxReplicas", 5));
          set(o, "spec.resources", Map.of("requests", Map.of("memory", "256Mi")));
        }, "autoscaling needs resources.requests.cpu"),
        ok("autoscaling with the default resources", o -> set(o, "spec.autoscaling", Map.of("maxReplicas", 5))),
        bad("a scram user without a password Secret", o -> set(o, "spec.clientAuth.users",
            List.of(Map.of("name", "app"))), "passwordSecretRef is required unless method is trust"),
        bad("an md5 user without a password Secret", o -> set(o, "spec.clientAuth.users",
            List.of(Map.of("name", "app", "method", "md5"))), "passwordSecretRef is required unless method is trust"),
        ok("a trust user from a CIDR without a password Secret", o -> set(o, "spec.clientAuth.users",
            List.of(Map.of("name", "job", "method", "trust", "address", "10.0.4.0/24")))),
        ok("a scram user with a password Secret", o -> set(o, "spec.clientAuth.users", List.of(Map.of("name", "app",
            "passwordSecretRef", Map.of("name", "app-pw", "key", "password"))))),
        bad("a trust user from anywhere", o -> set(o, "spec.clientAuth.users",
            List.of(Map.of("name", "job", "method", "trust"))), "a trust user needs an address"),
        ok("a pool of one (minSize not set)", o -> set(o, "spec.pool", Map.of("size", 1))),
        bad("a pool whose minSize exceeds its size", o -> set(o, "spec.pool", Map.of("size", 1, "minSize", 2)),
            "pool.minSize must not exceed pool.size"),
        ok("at most one autoscaled pod (minReplicas not set)", o -> set(o, "spec.autoscaling", Map.of("maxReplicas", 1))),
        bad("minReplicas above maxReplicas", o -> set(o, "spec.autoscaling", Map.of("minReplicas", 3, "maxReplicas", 2)),
            "autoscaling.minReplicas must not exceed autoscaling.maxReplicas"),
        bad("an affinity weight of 101", o -> set(o, "spec.podTemplate.affinity", Map.of("podAntiAffinity", Map.of(
            "preferredDuringSchedulingIgnoredDuringExecution", List.of(Map.of("weight", 101, "podAffinityTerm",
                Map.of("topologyKey", "kubernetes.io/hostname")))))), "podTemplate.affinity: the weight"),
        ok("a cache of pgml.embed with every setting", o -> set(o, "spec.cache", Map.of("functions",
            List.of(Map.of("name", "pgml.embed", "public", true), Map.of("name", "pgml.transform")),
            "maxSize", "64MB", "ttl", "1h30m", "generation", 3))),
        ok("a cache without a ttl of its own", o -> set(o, "spec.cache", Map.of("functions",
            List.of(Map.of("name", "pgml.embed"))))),
        ok("a ttl of 500ms", o -> set(o, "spec.cache", Map.of("ttl", "500ms"))),
        bad("a ttl of 0s", o -> set(o, "spec.cache", Map.of("ttl", "0s")), "cache.ttl must be longer than 0s"),
        bad("a ttl of 0m0ms", o -> set(o, "spec.cache", Map.of("ttl", "0m0ms")), "cache.ttl must be longer than 0s"),
        bad("the same function twice", o -> set(o, "spec.cache", Map.of("functions",
            List.of(Map.of("name", "pgml.embed", "public", true), Map.of("name", "pgml.embed")))),
            "spec.cache.functions: Duplicate value: [pgml.embed]"),
        bad("a maxSkew beyond int32", o -> set(o, "spec.podTemplate.topologySpreadConstraints", List.of(Map.of(
            "maxSkew", 3_000_000_000L, "topologyKey", "zone", "whenUnsatisfiable", "DoNotSchedule"))),
            "podTemplate.topologySpreadConstraints: maxSkew and minDomains"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRuleRefusesItsBadCasesWithItsMessage(String description, Consumer<Map<String, Object>> change,
      String expected) {
    Map<String, Object> object = basic();
    change.accept(object);
    List<String> violations = CRD.violations(object);
    if (expected.isEmpty()) {
      assertThat(violations).as(description).isEmpty();
    } else {
      assertThat(violations).as(description).isNotEmpty().allSatisfy(v -> assertThat(v).contains(expected));
    }
  }

  /** loadBalancerClass is immutable in Kubernetes: the CRD refuses the change instead of a 422 in a loop. */
  @Test
  void loadBalancerClassCannotChangeOnALoadBalancer() {
    Map<String, Object> old = basic();
    set(old, "spec.service.type", "LoadBalancer");
    set(old, "spec.service.loadBalancerClass", "service.k8s.aws/nlb");
    Map<String, Object> changed = copy(old);
    set(changed, "spec.service.loadBalancerClass", "example.com/other");
    Map<String, Object> removed = copy(old);
    ((Map<?, ?>) ((Map<?, ?>) removed.get("spec")).get("service")).remove("loadBalancerClass");
    Map<String, Object> becomesClusterIp = copy(old);
    set(becomesClusterIp, "spec.service.type", "ClusterIP");
    becomesClusterIp = copy(becomesClusterIp);
    ((Map<?, ?>) ((Map<?, ?>) becomesClusterIp.get("spec")).get("service")).remove("loadBalancerClass");

    assertThat(CRD.violations(changed, old)).singleElement().asString().contains("service.loadBalancerClass cannot change");
    assertThat(CRD.violations(removed, old)).singleElement().asString().contains("service.loadBalancerClass cannot change");
    assertThat(CRD.violations(old, old)).isEmpty();
    assertThat(CRD.violations(becomesClusterIp, old)).isEmpty();
  }

  /** A message speaks of what the user wrote: none quotes a default value. */
  @Test
  void noMessageCitesADefault() {
    assertThat(CRD.rules()).isNotEmpty().allSatisfy(rule -> assertThat(rule.message())
        .doesNotContainPattern("\\(\\d+\\)|default"));
  }

  private static Arguments bad(String description, Consumer<Map<String, Object>> change, String message) {
    return Arguments.of(description, change, message);
  }

  private static Arguments ok(String description, Consumer<Map<String, Object>> change) {
    return Arguments.of(description, change, "");
  }

  private static Map<String, Object> basic() {
    return asMap(Specimens.pgmlProxiesIn(Specimens.EXAMPLES.resolve("basic.yaml")).get(0));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(PgmlProxy proxy) {
    // As kubectl sends it: what the file says, not the Java model's defaults (those are the CRD's to fill in).
    Map<String, Object> object = SERIALIZATION.convertValue(proxy, Map.class);
    object.remove("status");
    return object;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> copy(Map<String, Object> object) {
    return JSON.convertValue(JSON.valueToTree(object), LinkedHashMap.class);
  }

  private static void name(Map<String, Object> object, String name) {
    set(object, "metadata.name", name);
  }

  @SuppressWarnings("unchecked")
  static void set(Map<String, Object> object, String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> map = object;
    for (int i = 0; i < parts.length - 1; i++) {
      map = (Map<String, Object>) map.computeIfAbsent(parts[i], k -> new LinkedHashMap<>());
    }
    map.put(parts[parts.length - 1], value);
  }
}
