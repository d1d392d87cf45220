package org.postgresml.operator.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraintBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.api.spec.AutoscalingSpec;
import org.postgresml.operator.api.spec.SecretKeyRef;
import org.postgresml.operator.api.spec.SecretRef;
import org.postgresml.operator.api.spec.TlsSpec;
import org.postgresml.operator.testing.Fixtures;
import org.postgresml.proxy.config.DurationText;
import org.postgresml.proxy.config.model.ConfigFile;

class DeploymentRendererTest {

  static final RenderInputs INPUTS = new RenderInputs("img:1", "pgml", Map.of("pgml-cloud", "7"), false);

  static Deployment render(PgmlProxy proxy, RenderInputs inputs) {
    return DeploymentRenderer.render(proxy, inputs);
  }

  @Test
  void containerRunsTheProxyWithTheConfigFileAndTheUrlFromTheSecret() {
    Container container = render(Fixtures.proxy("p"), INPUTS).getSpec().getTemplate().getSpec().getContainers().get(0);

    assertThat(container.getImage()).isEqualTo("img:1");
    assertThat(container.getArgs()).containsExactly("--config", "/etc/pgml-proxy/config/pgml-proxy.yaml",
        "--fleet-peers-dns", "p-peers", "--fleet-secret-file", "/etc/pgml-proxy/fleet/secret");
    assertThat(container.getEnv()).singleElement().satisfies(env -> {
      assertThat(env.getName()).isEqualTo("DATABASE_URL");
      assertThat(env.getValue()).isNull();
      assertThat(env.getValueFrom().getSecretKeyRef().getName()).isEqualTo("pgml-cloud");
      assertThat(env.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("DATABASE_URL");
    });
    assertThat(container.getPorts()).extracting(p -> p.getName() + ":" + p.getContainerPort())
        .containsExactly("postgres:6432", "http:9930");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/livez");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
  }

  @Test
  void mountsEachListedUsersPasswordKeyInItsOwnDirectory() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().clientAuth.users.add(ProxyConfigRendererTest.user("app",
        org.postgresml.operator.api.spec.ClientUserMethod.SCRAM_SHA_256, null, new SecretKeyRef("app-pw", "pw")));
    proxy.getSpec().clientAuth.users.add(ProxyConfigRendererTest.user("nightly_job",
        org.postgresml.operator.api.spec.ClientUserMethod.TRUST, "10.0.4.0/24", null));
    PodSpec pod = render(proxy, INPUTS).getSpec().getTemplate().getSpec();

    assertThat(pod.getContainers().get(0).getVolumeMounts())
        .extracting(m -> m.getName() + "@" + m.getMountPath() + ":" + m.getReadOnly())
        .contains("client-user-0@/etc/pgml-proxy/client-users/0:true")
        .noneMatch(m -> m.startsWith("client-user-1"));
    assertThat(pod.getVolumes()).filteredOn(v -> v.getName().startsWith("client-user-")).singleElement()
        .satisfies(v -> {
          assertThat(v.getName()).isEqualTo("client-user-0");
          assertThat(v.getSecret().getSecretName()).isEqualTo("app-pw");
          assertThat(v.getSecret().getItems()).extracting(i -> i.getKey() + "->" + i.getPath())
              .containsExactly("pw->password");
          assertThat(v.getSecret().getDefaultMode()).isEqualTo(0440);
        });
  }

  @Test
  void mountsEverySecretWhereTheImageExpectsIt() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().tls = new TlsSpec();
    proxy.getSpec().tls.secretRef = new SecretRef("proxy-tls");
    proxy.getSpec().upstream.caSecretRef = new SecretKeyRef("pgml-ca", "root.pem");
    PodSpec pod = render(proxy, INPUTS).getSpec().getTemplate().getSpec();

    assertThat(pod.getContainers().get(0).getVolumeMounts()).extracting(VolumeMount::getMountPath)
        .containsExactly("/etc/pgml-proxy/config", "/etc/pgml-proxy/client-auth", "/etc/pgml-proxy/fleet",
            "/etc/pgml-proxy/tls", "/etc/pgml-proxy/upstream-ca", "/tmp");
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getSecret().getSecretName()).isEqualTo("p-fleet");
      assertThat(v.getSecret().getItems()).extracting(i -> i.getKey() + "->" + i.getPath())
          .containsExactly("secret->secret");
    });
    assertThat(pod.getVolumes()).anySatisfy(v -> {
      assertThat(v.getSecret().getSecretName()).isEqualTo("pgml-ca");
      assertThat(v.getSecret().getItems()).singleElement()
          .satisfies(i -> assertThat(i.getKey() + "->" + i.getPath()).isEqualTo("root.pem->ca.crt"));
    });
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("p-client-auth"));
    assertThat(pod.getVolumes()).anySatisfy(v -> assertThat(v.getSecret().getSecretName()).isEqualTo("p-config"));
  }

  @Test
  void runsRestrictedAndDrainsLongerThanTheProxy() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().shutdownTimeout = "1m";
    PodSpec pod = render(proxy, INPUTS).getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0).getSecurityContext();

    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getRunAsNonRoot()).isTrue();
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getTerminationGracePeriodSeconds()).isGreaterThan(60);
    assertThat(pod.getAutomountServiceAccountToken()).isFalse();
  }

  /**
   * What makes a roll lose nothing, read from what the proxy itself will parse: the pod outlives the
   * proxy's whole drain, a new pod is in rotation as long as the proxy's grace before the next old one
   * stops, the roll never takes capacity away, and a node drain takes one pod of the same fleet at a time.
   */
  @Test
  void gracePeriodStrategyAndBudgetFollowTheProxysShutdownSettings() throws Exception {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().shutdownGrace = "8s";
    proxy.getSpec().shutdownTimeout = "90s";
    String configYaml = ProxyConfigRenderer.render(proxy, INPUTS.clientUsername());
    Deployment deployment = DeploymentRenderer.render(proxy, INPUTS);
    ConfigFile.Timeouts proxyTimeouts = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).readValue(configYaml, ConfigFile.class).timeouts();
    Duration grace = DurationText.parse("grace", proxyTimeouts.shutdownGrace());
    Duration timeout = DurationText.parse("timeout", proxyTimeouts.shutdown());

    assertThat(grace).isEqualTo(Duration.ofSeconds(8));
    assertThat(deployment.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .as("SIGKILL only after the grace, the drain and a margin to exit")
        .isEqualTo(grace.plus(timeout).toSeconds() + DeploymentRenderer.GRACE_MARGIN_SECONDS);
    assertThat(deployment.getSpec().getMinReadySeconds()).isEqualTo((int) grace.toSeconds());
    var rolling = deployment.getSpec().getStrategy().getRollingUpdate();
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(rolling.getMaxUnavailable().getIntVal()).as("capacity never drops during a roll").isZero();
    assertThat(rolling.getMaxSurge().getIntVal()).isEqualTo(1);
    var pdb = PodDisruptionBudgetRenderer.render(proxy).getSpec();
    assertThat(pdb.getSelector().getMatchLabels()).isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
    assertThat(pdb.getMaxUnavailable().getIntVal()).as("a node drain takes one pod at a time, as a roll does")
        .isEqualTo(rolling.getMaxSurge().getIntVal()).isLessThan(deployment.getSpec().getReplicas());

    proxy.getSpec().shutdownGrace = "0s";
    proxy.getSpec().shutdownTimeout = "1500ms";
    Deployment noGrace = render(proxy, INPUTS);
    assertThat(noGrace.getSpec().getMinReadySeconds()).as("no explicit zero on an omitempty field").isNull();
    assertThat(noGrace.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
        .as("a part of a second counts as a second").isEqualTo(2 + DeploymentRenderer.GRACE_MARGIN_SECONDS);
  }

  @Test
  void spreadsAcrossZonesAndNodesUnlessOverridden() {
    PgmlProxy proxy = Fixtures.proxy("p");
    assertThat(render(proxy, INPUTS).getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey())
        .containsExactly("topology.kubernetes.io/zone", "kubernetes.io/hostname");
    // Each revision spreads on its own, so a roll does not pile the new pods into one zone.
    assertThat(render(proxy, INPUTS).getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .allSatisfy(c -> assertThat(c.getMatchLabelKeys()).containsExactly("pod-template-hash"));

    proxy.getSpec().podTemplate.topologySpreadConstraints = List.of(new TopologySpreadConstraintBuilder()
        .withTopologyKey("rack").withMaxSkew(2).withWhenUnsatisfiable("DoNotSchedule").build());
    assertThat(render(proxy, INPUTS).getSpec().getTemplate().getSpec().getTopologySpreadConstraints())
        .extracting(c -> c.getTopologyKey()).containsExactly("rack");
  }

  @Test
  void hashChangesWithTheConfigOrAReferencedSecretOnly() {
    PgmlProxy proxy = Fixtures.proxy("p");
    String hash = hash(proxy, INPUTS);

    proxy.getSpec().replicas = 7;
    proxy.getSpec().service.port = 5432;
    assertThat(hash(proxy, INPUTS)).as("replicas and service do not roll pods").isEqualTo(hash);

    assertThat(hash(proxy, new RenderInputs("img:1", "pgml", Map.of("pgml-cloud", "8"), false)))
        .as("a new version of the URL Secret rolls pods").isNotEqualTo(hash);

    proxy.getSpec().pool.minSize = 5;
    assertThat(hash(proxy, INPUTS)).as("a config change rolls pods").isNotEqualTo(hash);
  }

  @Test
  void autoscalingKeepsReplicasWithinItsBounds() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().replicas = 1;
    proxy.getSpec().autoscaling = new AutoscalingSpec();
    proxy.getSpec().autoscaling.minReplicas = 3;
    assertThat(render(proxy, INPUTS).getSpec().getReplicas()).isEqualTo(3);
    proxy.getSpec().replicas = 50;
    assertThat(render(proxy, INPUTS).getSpec().getReplicas()).isEqualTo(10);
  }

  @Test
  void podLabelsKeepTheSelectorWhateverTheUserAdds() {
    PgmlProxy proxy = Fixtures.proxy("p");
    proxy.getSpec().podTemplate.labels.put(FleetNames.LABEL_INSTANCE, "hijack");
    proxy.getSpec().podTemplate.labels.put("team", "ml");
    Deployment deployment = render(proxy, INPUTS);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry(FleetNames.LABEL_INSTANCE, "p").containsEntry("team", "ml")
        .containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
  }

  private static String hash(PgmlProxy proxy, RenderInputs inputs) {
    return render(proxy, inputs).getSpec().getTemplate().getMetadata().getAnnotations()
        .get(FleetNames.CONFIG_HASH_ANNOTATION);
  }
}
