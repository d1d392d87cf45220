package org.postgresml.operator.render;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.PgmlProxySpec;
import org.postgresml.operator.api.spec.PodTemplateOverrides;
import org.postgresml.operator.api.spec.Durations;

/** The Deployment that runs the proxy pods. */
public final class DeploymentRenderer {

  /**
   * Time beyond the proxy's own drain (grace, then sessions up to the shutdown timeout) for its 57P01s
   * to go out, its threads to stop and the JVM to exit before the kubelet's SIGKILL.
   */
  static final long GRACE_MARGIN_SECONDS = 15;

  private DeploymentRenderer() {
  }

  public static Deployment render(PgmlProxy proxy, RenderInputs inputs) {
    PgmlProxySpec spec = proxy.getSpec();
    PodTemplateOverrides overrides = spec.podTemplate;
    Map<String, String> podLabels = new LinkedHashMap<>(overrides.labels);
    podLabels.putAll(FleetNames.labels(proxy));
    Map<String, String> podAnnotations = new LinkedHashMap<>(overrides.annotations);
    // Settings the proxies reload from the mounted file (the cache) are left out, so changing them
    // updates the config Secret, which the kubelet swaps in place, and rolls nothing.
    String restarting = ProxyConfigRenderer.restartingPart(proxy, inputs.clientUsername());
    podAnnotations.put(FleetNames.CONFIG_HASH_ANNOTATION, ConfigHash.of(restarting, inputs.secretDigests()));

    return new DeploymentBuilder()
        .withMetadata(ObjectMetas.of(proxy, FleetNames.fleet(proxy)))
        .withNewSpec()
          .withReplicas(replicas(spec))
          .withRevisionHistoryLimit(5)
          .withSelector(new LabelSelectorBuilder().withMatchLabels(FleetNames.selectorLabels(proxy)).build())
          // A new pod proves itself, and reaches the Services' endpoints, for as long as the proxy's own
          // grace assumes that takes, before the next old pod is stopped. Omitted when zero (omitempty).
          .withMinReadySeconds(minReadySeconds(spec))
          // Keep full capacity during a roll: a new pod must be ready before an old one drains.
          .withNewStrategy()
            .withType("RollingUpdate")
            .withNewRollingUpdate()
              .withMaxSurge(new IntOrString(1))
              .withMaxUnavailable(new IntOrString(0))
            .endRollingUpdate()
          .endStrategy()
          .withNewTemplate()
            .withNewMetadata()
              .withLabels(podLabels)
              .withAnnotations(podAnnotations)
            .endMetadata()
            .withSpec(podSpec(proxy, inputs))
          .endTemplate()
        .endSpec()
        .build();
  }

  /** With autoscaling, spec.replicas (written by the HPA through the scale subresource) kept within its bounds. */
  static int replicas(PgmlProxySpec spec) {
    int replicas = spec.replicas;
    if (spec.autoscaling != null) {
      replicas = Math.max(spec.autoscaling.effectiveMinReplicas(), Math.min(spec.autoscaling.maxReplicas, replicas));
    }
    return replicas;
  }

  /** The proxy's whole drain after SIGTERM (docs/proxy.md), rounded up, plus the margin. */
  static long terminationGracePeriodSeconds(PgmlProxySpec spec) {
    return seconds(spec.shutdownGrace) + seconds(spec.shutdownTimeout) + GRACE_MARGIN_SECONDS;
  }

  static Integer minReadySeconds(PgmlProxySpec spec) {
    long grace = seconds(spec.shutdownGrace);
    return grace == 0 ? null : Math.toIntExact(grace);
  }

  /** Whole seconds, rounded up (500ms counts as 1). */
  private static long seconds(String duration) {
    java.time.Duration parsed = Durations.parse(duration);
    long whole = parsed.toSeconds();
    return parsed.equals(java.time.Duration.ofSeconds(whole)) ? whole : whole + 1;
  }

  private static PodSpec podSpec(PgmlProxy proxy, RenderInputs inputs) {
    PgmlProxySpec spec = proxy.getSpec();
    PodTemplateOverrides overrides = spec.podTemplate;
    return new PodSpecBuilder()
        .withContainers(container(proxy, inputs))
        .withVolumes(PodVolumes.volumes(proxy))
        .withTerminationGracePeriodSeconds(terminationGracePeriodSeconds(spec))
        // The proxy does not talk to the Kubernetes API.
        .withAutomountServiceAccountToken(false)
        .withServiceAccountName(overrides.serviceAccountName)
        .withEnableServiceLinks(false)
        .withImagePullSecrets(spec.imagePullSecrets)
        .withNodeSelector(overrides.nodeSelector.isEmpty() ? null : overrides.nodeSelector)
        .withTolerations(overrides.tolerations)
        .withAffinity(overrides.affinity)
        .withPriorityClassName(overrides.priorityClassName)
        .withTopologySpreadConstraints(overrides.topologySpreadConstraints != null
            ? overrides.topologySpreadConstraints : defaultSpread(proxy))
        .withSecurityContext(new PodSecurityContextBuilder()
            .withRunAsNonRoot(true)
            .withRunAsUser(ContainerLayout.RUN_AS_USER)
            .withRunAsGroup(ContainerLayout.RUN_AS_USER)
            .withFsGroup(ContainerLayout.RUN_AS_USER)
            .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
            .build())
        .build();
  }

  private static Container container(PgmlProxy proxy, RenderInputs inputs) {
    PgmlProxySpec spec = proxy.getSpec();
    return new ContainerBuilder()
        .withName(ContainerLayout.CONTAINER_NAME)
        .withImage(inputs.image())
        .withImagePullPolicy(spec.imagePullPolicy.name())
        // The image's entrypoint is `java -jar /opt/pgml-proxy/pgml-proxy.jar`; these are its arguments.
        .withArgs(PeersServiceRenderer.proxyArgs(proxy))
        .addNewEnv()
          .withName(ContainerLayout.ENV_DATABASE_URL)
          .withNewValueFrom()
            .withNewSecretKeyRef()
              .withName(spec.upstream.urlSecretRef.name)
              .withKey(spec.upstream.urlSecretRef.key)
            .endSecretKeyRef()
          .endValueFrom()
        .endEnv()
        .addNewPort()
          .withName(ContainerLayout.PG_PORT_NAME).withContainerPort(ContainerLayout.PG_PORT).withProtocol("TCP")
        .endPort()
        .addNewPort()
          .withName(ContainerLayout.HTTP_PORT_NAME).withContainerPort(ContainerLayout.HTTP_PORT).withProtocol("TCP")
        .endPort()
        .withVolumeMounts(PodVolumes.mounts(proxy))
        .withResources(spec.resources != null ? spec.resources : defaultResources())
        .withStartupProbe(probe(ContainerLayout.LIVENESS_PATH, 1, 30))
        .withLivenessProbe(probe(ContainerLayout.LIVENESS_PATH, 10, 3))
        .withReadinessProbe(probe(ContainerLayout.READINESS_PATH, 5, 2))
        .withSecurityContext(new SecurityContextBuilder()
            .withAllowPrivilegeEscalation(false)
            .withReadOnlyRootFilesystem(true)
            .withRunAsNonRoot(true)
            .withPrivileged(false)
            .withNewCapabilities().withDrop("ALL").endCapabilities()
            .build())
        .build();
  }

  private static Probe probe(String path, int periodSeconds, int failureThreshold) {
    return new ProbeBuilder()
        .withNewHttpGet()
          .withPath(path)
          .withPort(new IntOrString(ContainerLayout.HTTP_PORT_NAME))
        .endHttpGet()
        .withPeriodSeconds(periodSeconds)
        .withTimeoutSeconds(2)
        .withFailureThreshold(failureThreshold)
        .build();
  }

  /** The container's resources when the spec gives none. */
  public static ResourceRequirements defaultResources() {
    return new ResourceRequirementsBuilder()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("128Mi"))
        .addToLimits("memory", new Quantity("512Mi"))
        .build();
  }

  /** Spread across zones first, then nodes; ScheduleAnyway so a one-zone cluster still runs the fleet. */
  private static List<TopologySpreadConstraint> defaultSpread(PgmlProxy proxy) {
    return List.of(spread(proxy, "topology.kubernetes.io/zone"), spread(proxy, "kubernetes.io/hostname"));
  }

  private static TopologySpreadConstraint spread(PgmlProxy proxy, String topologyKey) {
    return new TopologySpreadConstraintBuilder()
        .withMaxSkew(1)
        .withTopologyKey(topologyKey)
        .withWhenUnsatisfiable("ScheduleAnyway")
        .withNewLabelSelector().withMatchLabels(FleetNames.selectorLabels(proxy)).endLabelSelector()
        // Spread each revision on its own: during a roll the old pods would otherwise count, and the
        // new ones pile onto the zones the old ones are leaving (Kubernetes 1.27+).
        .withMatchLabelKeys("pod-template-hash")
        .build();
  }
}
