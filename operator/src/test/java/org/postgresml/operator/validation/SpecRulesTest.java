package org.postgresml.operator.validation;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.NetworkPolicySpec;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.operator.testing.Specimens;

/** The reconciler's re-check: CEL's rules again, and what CEL cannot say, each naming the field. */
class SpecRulesTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a name with a dot", (Consumer<PgmlProxy>) p -> p.getMetadata().setName("a.b"), "metadata.name"),
        Arguments.of("a name of 58", (Consumer<PgmlProxy>) p -> p.getMetadata().setName("p".repeat(58)), "metadata.name"),
        Arguments.of("an IPv6 CIDR that is no address", (Consumer<PgmlProxy>) p -> {
          p.getSpec().networkPolicy = new NetworkPolicySpec();
          p.getSpec().networkPolicy.allowedCIDRs = List.of("fd00:::zz::/64");
        }, "spec.networkPolicy.allowedCIDRs"),
        Arguments.of("an IPv6 mask on an IPv4 address", (Consumer<PgmlProxy>) p ->
            p.getSpec().service.loadBalancerSourceRanges = List.of("10.0.0.0/64"), "spec.service.loadBalancerSourceRanges"),
        Arguments.of("a label prefix longer than 253", (Consumer<PgmlProxy>) p ->
            p.getSpec().podTemplate.labels.put("a".repeat(60) + "." + "b".repeat(60) + "." + "c".repeat(60) + "."
                + "d".repeat(60) + "." + "e".repeat(20) + "/team", "x"), "spec.podTemplate.labels"),
        Arguments.of("requests above limits", (Consumer<PgmlProxy>) p -> p.getSpec().resources =
            new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("2"))
                .addToLimits("cpu", new Quantity("1500m")).build(), "spec.resources.requests.cpu"),
        Arguments.of("cpu: lots", (Consumer<PgmlProxy>) p -> p.getSpec().resources =
            new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("lots")).build(),
            "spec.resources.requests.cpu"),
        Arguments.of("a client user's address that is a word", (Consumer<PgmlProxy>) p -> {
          var user = new org.postgresml.operator.api.spec.ClientUserSpec();
          user.name = "job";
          user.method = org.postgresml.operator.api.spec.ClientUserMethod.TRUST;
          user.address = "office";
          p.getSpec().clientAuth.users.add(user);
        }, "spec.clientAuth.users[].address"),
        Arguments.of("the metrics port", (Consumer<PgmlProxy>) p -> p.getSpec().service.port = 9930, "spec.service.port"),
        Arguments.of("a session server taken at no known moment",
            (Consumer<PgmlProxy>) p -> p.getSpec().pool.sessionServerAt = "first_message", "spec.pool.sessionServerAt"),
        Arguments.of("an interval out of order", (Consumer<PgmlProxy>) p -> p.getSpec().monitoring.interval = "30s1m",
            "spec.monitoring.interval"),
        Arguments.of("a cached function without its schema", (Consumer<PgmlProxy>) p -> cache(p, "embed"),
            "spec.cache.functions"),
        Arguments.of("a cached function in upper case", (Consumer<PgmlProxy>) p -> cache(p, "PGML.embed"),
            "spec.cache.functions"),
        Arguments.of("a cached function listed twice", (Consumer<PgmlProxy>) p -> cache(p, "pgml.embed", "pgml.embed"),
            "spec.cache.functions"),
        Arguments.of("a cache ttl of 0s", (Consumer<PgmlProxy>) p -> cache(p, "pgml.embed").ttl = "0s", "spec.cache.ttl"),
        Arguments.of("a cache budget with a space", (Consumer<PgmlProxy>) p -> cache(p, "pgml.embed").maxSize = "64 MB",
            "spec.cache.maxSize"),
        Arguments.of("a cache budget below 1MB", (Consumer<PgmlProxy>) p -> cache(p, "pgml.embed").maxSize = "512kB",
            "spec.cache.maxSize"),
        Arguments.of("a cache budget beyond half the default memory limit", (Consumer<PgmlProxy>) p ->
            cache(p, "pgml.embed").maxSize = "300MB", "spec.cache.maxSize"),
        Arguments.of("a cache budget beyond half the pods' memory limit", (Consumer<PgmlProxy>) p -> {
          cache(p, "pgml.embed").maxSize = "1GB";
          p.getSpec().resources = new ResourceRequirementsBuilder().addToLimits("memory", new Quantity("1536Mi")).build();
        }, "spec.cache.maxSize"),
        Arguments.of("a negative cache generation", (Consumer<PgmlProxy>) p -> cache(p, "pgml.embed").generation = -1L,
            "spec.cache.generation"),
        Arguments.of("a ServiceMonitor label value with a space", (Consumer<PgmlProxy>) p ->
            p.getSpec().monitoring.labels.put("release", "my prometheus"), "spec.monitoring.labels"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aBrokenRuleNamesTheField(String description, Consumer<PgmlProxy> change, String field) {
    PgmlProxy proxy = Fixtures.proxy("p");
    change.accept(proxy);
    assertThat(SpecRules.problem(proxy)).as(description).hasValueSatisfying(m -> assertThat(m).startsWith(field));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specimens")
  void everyExamplePasses(String name, PgmlProxy proxy) {
    assertThat(SpecRules.problem(proxy)).as(name).isEmpty();
  }

  static Stream<Arguments> specimens() {
    return Specimens.all().map(s -> Arguments.of(s.getKey(), s.getValue()));
  }

  @org.junit.jupiter.api.Test
  void equalRequestsAndLimitsInOtherUnitsPass() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().resources = new ResourceRequirementsBuilder().addToRequests("memory", new Quantity("1Gi"))
        .addToLimits("memory", new Quantity("1024Mi")).addToRequests("cpu", new Quantity("0.5"))
        .addToLimits("cpu", new Quantity("500m")).build();
    assertThat(SpecRules.problem(proxy)).isEmpty();
    assertThat(Map.of()).isEmpty();
  }

  static org.postgresml.operator.api.spec.CacheSpec cache(PgmlProxy proxy, String... functions) {
    proxy.getSpec().cache = new org.postgresml.operator.api.spec.CacheSpec();
    for (String function : functions) {
      proxy.getSpec().cache.functions.add(new org.postgresml.operator.api.spec.CacheFunctionSpec(function, false));
    }
    return proxy.getSpec().cache;
  }
}
