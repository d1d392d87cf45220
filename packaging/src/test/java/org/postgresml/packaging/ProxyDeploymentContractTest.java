package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.operator.api.PgmlProxy;
import org.postgresml.operator.render.FleetRenderer;
import org.postgresml.operator.render.RenderInputs;

/**
 * The proxy image (proxy/Dockerfile) runs what the operator renders: the Deployment of each example
 * keeps the image's entrypoint, mounts only where the image and docs/configuration.md expect files,
 * runs as the image's user, and uses only ports the image exposes.
 */
class ProxyDeploymentContractTest {

  private static final Dockerfile PROXY = Dockerfile.read(RepositoryLayout.dockerfile("proxy"));
  private static final ImageLayout LAYOUT = ImageLayout.fromConfigurationDoc();

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"basic.yaml", "production.yaml", "cache.yaml"})
  void renderedDeploymentMatchesTheImage(String example) {
    Deployment deployment = render(RepositoryLayout.examples().resolve(example));
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container proxy = pod.getContainers().get(0);

    assertThat(proxy.getCommand()).as("command (would bypass tini and the jar entrypoint)").isEmpty();
    assertThat(proxy.getPorts()).extracting(ContainerPort::getContainerPort)
        .containsExactlyInAnyOrderElementsOf(PROXY.exposedPorts());
    Long runAsUser = proxy.getSecurityContext() != null && proxy.getSecurityContext().getRunAsUser() != null
        ? proxy.getSecurityContext().getRunAsUser() : pod.getSecurityContext().getRunAsUser();
    assertThat(runAsUser).isEqualTo(PROXY.uid());
    DockerfileContractTest.assertWritableTmp(proxy);

    List<String> mounts = proxy.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
    assertThat(mounts).allSatisfy(mount -> assertThat(mount).isIn(
        Stream.concat(LAYOUT.directories().stream(), Stream.of("/tmp")).toList()));
    assertThat(PROXY.paths()).containsAll(mounts.stream().filter(mount -> !mount.equals("/tmp")).toList());
    for (String arg : proxy.getArgs()) {
      if (arg.startsWith("/")) {
        assertThat(mounts).as("a mount holding %s", arg).anyMatch(mount -> arg.startsWith(mount + "/"));
        assertThat(LAYOUT.paths()).as("documented in docs/configuration.md").contains(arg);
      }
    }
  }

  private static Deployment render(Path example) {
    PgmlProxy proxy = ExamplesTest.MANIFESTS.parse(example).stream()
        .filter(PgmlProxy.class::isInstance).map(PgmlProxy.class::cast).findFirst().orElseThrow();
    List<HasMetadata> objects = FleetRenderer.render(proxy,
        new RenderInputs("registry.example.com/pgml-proxy:test", "pgml", Map.of(), true), () -> "not-a-secret");
    return ChartTemplateTest.only(objects, Deployment.class);
  }
}
