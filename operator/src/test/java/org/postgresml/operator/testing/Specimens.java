package org.postgresml.operator.testing;

import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.AutoscalingSpec;
import org.postgresml.operator.api.spec.CacheFunctionSpec;
import org.postgresml.operator.api.spec.CacheSpec;
import org.postgresml.operator.api.spec.MonitoringSpec;
import org.postgresml.operator.api.spec.NetworkPolicySpec;
import org.postgresml.operator.api.spec.PoolMode;
import org.postgresml.operator.api.spec.SecretKeyRef;
import org.postgresml.operator.api.spec.SecretRef;
import org.postgresml.operator.api.spec.ServiceType;
import org.postgresml.operator.api.spec.SslMode;
import org.postgresml.operator.api.spec.TlsSpec;

/**
 * The PgmlProxies that checks standing in for a real API server run over: every one in examples/,
 * and one that turns every feature on.
 */
public final class Specimens {

  /** Where examples/ is, seen from the operator module. */
  public static final Path EXAMPLES = Path.of("..", "examples");

  private Specimens() {
  }

  /** Each example PgmlProxy, named by its file, plus the all-features one. */
  public static Stream<Map.Entry<String, PgmlProxy>> all() {
    List<Map.Entry<String, PgmlProxy>> specimens = new ArrayList<>();
    for (Path file : exampleFiles()) {
      int index = 0;
      for (PgmlProxy proxy : pgmlProxiesIn(file)) {
        specimens.add(Map.entry(EXAMPLES.relativize(file) + (index++ == 0 ? "" : "#" + index), proxy));
      }
    }
    specimens.add(Map.entry("all features", allFeatures("everything")));
    return specimens.stream();
  }

  static List<Path> exampleFiles() {
    try (Stream<Path> files = Files.walk(EXAMPLES)) {
      return files.filter(path -> path.toString().endsWith(".yaml") || path.toString().endsWith(".yml")).sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The PgmlProxies of one YAML file; the namespace defaults as kubectl's would. */
  public static List<PgmlProxy> pgmlProxiesIn(Path file) {
    KubernetesSerialization serialization = new KubernetesSerialization();
    serialization.registerKubernetesResource(PgmlProxy.class);
    try (InputStream in = Files.newInputStream(file)) {
      Object parsed = serialization.unmarshal(in);
      List<?> documents = parsed instanceof List<?> list ? list : List.of(parsed);
      List<PgmlProxy> proxies = new ArrayList<>();
      for (Object document : documents) {
        if (document instanceof PgmlProxy proxy) {
          if (proxy.getMetadata().getNamespace() == null) {
            proxy.getMetadata().setNamespace(Fixtures.NAMESPACE);
          }
          proxies.add(proxy);
        }
      }
      return proxies;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every optional section set, with values a user might give (not the defaults). */
  public static PgmlProxy allFeatures(String name) {
    PgmlProxy proxy = Fixtures.proxy(name);
    var spec = proxy.getSpec();
    spec.replicas = 3;
    spec.upstream.sslMode = SslMode.VERIFY_FULL;
    spec.upstream.caSecretRef = new SecretKeyRef("pgml-ca", "ca.crt");
    spec.upstream.connectTimeout = "5s";
    spec.autoscaling = new AutoscalingSpec();
    spec.autoscaling.minReplicas = 3;
    spec.autoscaling.maxReplicas = 12;
    spec.autoscaling.targetCPUUtilizationPercentage = 65;
    spec.pool.mode = PoolMode.transaction;
    spec.pool.size = 40;
    spec.pool.minSize = 4;
    spec.clientAuth.secretRef = new SecretRef("rds-client");
    spec.tls = new TlsSpec();
    spec.tls.secretRef = new SecretRef("proxy-tls");
    spec.tls.required = true;
    spec.service.type = ServiceType.LoadBalancer;
    spec.service.port = 5432;
    spec.service.loadBalancerClass = "service.k8s.aws/nlb";
    spec.service.annotations.put("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal");
    spec.service.labels.put("exposure", "vpc");
    spec.service.loadBalancerSourceRanges = List.of("10.0.0.0/16", "10.1.0.0/24");
    spec.podDisruptionBudget.maxUnavailable = 2;
    spec.networkPolicy = new NetworkPolicySpec();
    spec.networkPolicy.allowedCIDRs = List.of("10.0.0.0/16");
    spec.networkPolicy.allowedNamespaceSelector = new LabelSelectorBuilder()
        .withMatchLabels(Map.of("kubernetes.io/metadata.name", "apps")).build();
    spec.networkPolicy.metricsNamespaceSelector = new LabelSelectorBuilder()
        .withMatchLabels(Map.of("kubernetes.io/metadata.name", "monitoring")).build();
    spec.monitoring = new MonitoringSpec();
    spec.monitoring.serviceMonitor = true;
    spec.monitoring.interval = "15s";
    spec.monitoring.labels.put("release", "prometheus");
    spec.image = "registry.example.test/pgml-proxy:1.2.3";
    spec.imagePullSecrets = List.of(new LocalObjectReference("registry-credentials"));
    spec.resources = new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("250m")).addToRequests("memory", new Quantity("256Mi"))
        .addToLimits("cpu", new Quantity("1")).addToLimits("memory", new Quantity("1Gi"))
        .build();
    var pod = spec.podTemplate;
    pod.labels.put("team", "data-platform");
    pod.annotations.put("prometheus.io/scrape", "false");
    pod.nodeSelector.put("kubernetes.io/os", "linux");
    pod.tolerations = List.of(new TolerationBuilder().withKey("dedicated").withOperator("Equal").withValue("proxy")
        .withEffect("NoSchedule").build());
    pod.affinity = new AffinityBuilder()
        .withNewPodAntiAffinity()
          .addNewPreferredDuringSchedulingIgnoredDuringExecution()
            .withWeight(50)
            .withNewPodAffinityTerm()
              .withTopologyKey("kubernetes.io/hostname")
              .withNewLabelSelector().withMatchLabels(Map.of("app.kubernetes.io/instance", name)).endLabelSelector()
            .endPodAffinityTerm()
          .endPreferredDuringSchedulingIgnoredDuringExecution()
        .endPodAntiAffinity()
        .build();
    pod.topologySpreadConstraints = List.of(new TopologySpreadConstraintBuilder()
        .withMaxSkew(2).withTopologyKey("topology.kubernetes.io/zone").withWhenUnsatisfiable("DoNotSchedule")
        .withMinDomains(2)
        .withNewLabelSelector().withMatchLabels(Map.of("app.kubernetes.io/instance", name)).endLabelSelector()
        .withMatchLabelKeys("pod-template-hash")
        .build());
    pod.priorityClassName = "high";
    pod.serviceAccountName = "pgml-proxy";
    spec.logFormat = org.postgresml.operator.api.spec.LogFormat.text;
    spec.logConnections = false;
    spec.shutdownTimeout = "45s";
    spec.cache = new CacheSpec();
    spec.cache.functions.add(new CacheFunctionSpec("pgml.embed", true));
    spec.cache.functions.add(new CacheFunctionSpec("pgml.transform", false));
    spec.cache.maxSize = "128MB";
    spec.cache.ttl = "30m";
    spec.cache.generation = 2L;
    return proxy;
  }
}
