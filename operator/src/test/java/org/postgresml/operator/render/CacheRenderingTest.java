package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.CacheFunctionSpec;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.LogFormat;
import org.postgresml.operator.api.spec.PoolMode;
import org.postgresml.operator.testing.Fixtures;

/**
 * spec.cache in the proxy's file, and its reload without a restart: a cache setting changes the
 * config Secret (which the kubelet swaps in the pods' mounted directory, and the proxy's file watcher
 * reloads) but not the pod template, so nothing rolls; every other setting still rolls the pods.
 */
class CacheRenderingTest {

  private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
  private static final RenderInputs INPUTS = new RenderInputs("img:1", "pgml", Map.of("pgml-cloud/DATABASE_URL", "7"),
      false);

  @Test
  void noCacheSectionUnlessAFunctionIsAllowed() {
    PgmlProxy proxy = Fixtures.proxy("p");
    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).doesNotContain("cache");
    proxy.getSpec().cache = new CacheSpec();
    proxy.getSpec().cache.generation = 4L;
    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).as("an empty allow-list is the cache off")
        .doesNotContain("cache").isEqualTo(ProxyConfigRenderer.render(Fixtures.proxy("p"), "pgml"));
  }

  @Test
  void theCacheSectionIsTheSharedContract() {
    PgmlProxy proxy = cached("p");
    proxy.getSpec().cache.functions.add(new CacheFunctionSpec("pgml.transform", false));
    proxy.getSpec().cache.maxSize = "64MB";
    proxy.getSpec().cache.ttl = "10m";
    proxy.getSpec().cache.generation = 9_000_000_000L;

    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).endsWith("""
        cache:
          functions:
          - name: pgml.embed
            public: true
          - name: pgml.transform
            public: false
          maxSize: 64MB
          ttl: 10m
          generation: 9000000000
        """);
  }

  @Test
  void theJavaDefaultsAreRenderedInFull() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().cache = new CacheSpec();
    proxy.getSpec().cache.functions.add(new CacheFunctionSpec());
    proxy.getSpec().cache.functions.get(0).name = "pgml.embed";

    assertThat(ProxyConfigRenderer.render(proxy, "pgml")).endsWith("""
        cache:
          functions:
          - name: pgml.embed
            public: false
          maxSize: 256MB
          ttl: 1h
          generation: 0
        """);
  }

  /** The proxy's own model of its file reads the section, an unknown or misspelt key failing. */
  @Test
  void theProxysModelReadsTheRenderedSection() throws Exception {
    String yaml = ProxyConfigRenderer.render(org.postgresml.operator.testing.Specimens.allFeatures("p"), "pgml");
    org.postgresml.proxy.config.model.ConfigFile file = new com.fasterxml.jackson.databind.ObjectMapper(
        new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
        .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .readValue(yaml, org.postgresml.proxy.config.model.ConfigFile.class);

    assertThat(file.cache().functions()).extracting(f -> f.name(), f -> f.shared())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("pgml.embed", true),
            org.assertj.core.groups.Tuple.tuple("pgml.transform", false));
    assertThat(file.cache().maxSize()).isEqualTo("128MB");
    assertThat(file.cache().ttl()).isEqualTo("30m");
    assertThat(file.cache().generation()).isEqualTo(2L);
  }

  /** Each cache setting, changed on a fleet that caches pgml.embed. */
  static Stream<Arguments> cacheChanges() {
    return Stream.of(
        change("a generation bump", spec -> spec.cache.generation = 1L),
        change("another function", spec -> spec.cache.functions.add(new CacheFunctionSpec("pgml.transform", false))),
        change("a function no longer public", spec -> spec.cache.functions.get(0).isPublic = false),
        change("a smaller budget", spec -> spec.cache.maxSize = "32MB"),
        change("a shorter ttl", spec -> spec.cache.ttl = "5m"),
        change("the cache turned off", spec -> spec.cache = null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cacheChanges")
  void aCacheChangeRewritesTheFileButLeavesThePodTemplateAlone(String description,
      Consumer<org.postgresml.operator.api.spec.PgmlProxySpec> change) {
    PgmlProxy before = cached("p");
    PgmlProxy after = cached("p");
    change.accept(after.getSpec());

    assertThat(configFile(after)).as(description).isNotEqualTo(configFile(before));
    assertThat(SERIALIZATION.asYaml(deployment(after))).as("%s: the Deployment, so no rollout", description)
        .isEqualTo(SERIALIZATION.asYaml(deployment(before)));
  }

  /** Settings outside the cache roll the pods as before, whether or not a cache change comes with them. */
  static Stream<Arguments> restartingChanges() {
    return Stream.of(
        change("pool size", spec -> spec.pool.size = 50),
        change("pool mode", spec -> spec.pool.mode = PoolMode.transaction),
        change("log format", spec -> spec.logFormat = LogFormat.text),
        change("shutdown timeout", spec -> spec.shutdownTimeout = "45s"),
        change("pool size and a generation bump", spec -> {
          spec.pool.size = 50;
          spec.cache.generation = 1L;
        }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("restartingChanges")
  void everyOtherChangeStillRollsThePods(String description,
      Consumer<org.postgresml.operator.api.spec.PgmlProxySpec> change) {
    PgmlProxy before = cached("p");
    PgmlProxy after = cached("p");
    change.accept(after.getSpec());

    assertThat(hash(deployment(after))).as(description).isNotEqualTo(hash(deployment(before)));
  }

  /** An operator upgrade rolls no fleet: without a cache the hash covers exactly the file, as it did. */
  @Test
  void withoutACacheTheHashIsTheWholeFilesAsBefore() {
    PgmlProxy proxy = Fixtures.proxy("p");
    assertThat(hash(deployment(proxy))).isEqualTo(ConfigHash.of(ProxyConfigRenderer.render(proxy, "pgml"),
        INPUTS.secretDigests()));
    assertThat(ProxyConfigRenderer.restartingPart(cached("p"), "pgml"))
        .isEqualTo(ProxyConfigRenderer.render(proxy, "pgml"));
  }

  /**
   * The kubelet updates a Secret volume in place (a new directory behind the ..data symlink), but
   * never a file mounted with subPath: the config must be a directory mount of the config Secret.
   */
  @Test
  void theConfigReachesThePodAsAnUpdatableDirectoryMount() {
    PgmlProxy proxy = cached("p");
    Deployment deployment = deployment(proxy);
    var pod = deployment.getSpec().getTemplate().getSpec();
    VolumeMount mount = pod.getContainers().get(0).getVolumeMounts().stream()
        .filter(m -> m.getMountPath().equals(ContainerLayout.CONFIG_DIR)).findFirst().orElseThrow();
    Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
        .orElseThrow();

    assertThat(mount.getSubPath()).as("subPath mounts are never updated").isNull();
    assertThat(mount.getSubPathExpr()).isNull();
    assertThat(volume.getSecret().getSecretName()).isEqualTo(FleetNames.configSecret(proxy));
    assertThat(pod.getContainers().get(0).getArgs()).containsSequence("--config", ContainerLayout.CONFIG_FILE);
    assertThat(pod.getInitContainers()).as("nothing copies the file, which would freeze it").isEmpty();
  }

  private static Arguments change(String description, Consumer<org.postgresml.operator.api.spec.PgmlProxySpec> change) {
    return Arguments.of(description, change);
  }

  static PgmlProxy cached(String name) {
    PgmlProxy proxy = Fixtures.proxy(name);
    proxy.getSpec().cache = new CacheSpec();
    proxy.getSpec().cache.functions.add(new CacheFunctionSpec("pgml.embed", true));
    return proxy;
  }

  private static List<HasMetadata> render(PgmlProxy proxy) {
    return FleetRenderer.render(proxy, INPUTS, () -> "generated");
  }

  private static Deployment deployment(PgmlProxy proxy) {
    return render(proxy).stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
        .orElseThrow();
  }

  private static String configFile(PgmlProxy proxy) {
    Secret secret = render(proxy).stream().filter(Secret.class::isInstance).map(Secret.class::cast)
        .filter(s -> s.getMetadata().getName().equals(FleetNames.configSecret(proxy))).findFirst().orElseThrow();
    return new String(java.util.Base64.getDecoder().decode(secret.getData().get(ContainerLayout.CONFIG_FILE_NAME)),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  private static String hash(Deployment deployment) {
    return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(FleetNames.CONFIG_HASH_ANNOTATION);
  }
}
