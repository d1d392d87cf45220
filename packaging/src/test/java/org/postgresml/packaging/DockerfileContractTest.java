package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Dockerfiles' text checked against what runs them, in milliseconds and without any container
 * tooling: docs/configuration.md for the proxy and the chart's Deployment for the operator. The
 * built images themselves are checked by ImageMetadataIT, ProxyImageIT and OperatorImageIT.
 */
class DockerfileContractTest {

  private static final Dockerfile PROXY = Dockerfile.read(RepositoryLayout.dockerfile("proxy"));
  private static final Dockerfile OPERATOR = Dockerfile.read(RepositoryLayout.dockerfile("operator"));

  @Test
  void proxyImageHasTheDocumentedLayoutAndPorts() {
    ImageLayout layout = ImageLayout.fromConfigurationDoc();

    assertThat(PROXY.entrypoint()).endsWith("java", "-jar", layout.jar());
    assertThat(PROXY.paths()).contains(layout.jar());
    assertThat(PROXY.paths()).containsAll(layout.directories());
    assertThat(PROXY.exposedPorts()).containsExactlyInAnyOrderElementsOf(layout.ports());
  }

  @Test
  void bothImagesRunAsANumericNonRootUserBehindASignalForwarder() {
    for (Dockerfile image : new Dockerfile[] {PROXY, OPERATOR}) {
      assertThat(image.uid()).isPositive();
      assertThat(image.entrypoint()).startsWith("/usr/bin/tini", "--", "java");
    }
  }

  @Test
  void operatorImageMatchesTheChartsDeployment() {
    Deployment deployment = ChartTemplateTest.only(
        new StrictManifests().parse(ChartRenderer.ofRepositoryChart().template(), "chart"), Deployment.class);
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    String jar = OPERATOR.entrypoint().get(OPERATOR.entrypoint().size() - 1);
    assertThat(OPERATOR.paths()).contains(jar);
    assertThat(container.getCommand()).as("the chart keeps the image's entrypoint (and its signal forwarding)").isEmpty();
    assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(OPERATOR.uid());
    assertThat(container.getPorts()).extracting(ContainerPort::getContainerPort)
        .allSatisfy(port -> assertThat(OPERATOR.exposedPorts()).contains(port));
    assertWritableTmp(container);
  }

  /** The build stage copies the jar the module's build really produces (its shade finalName). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"proxy, pgml-proxy", "operator, pgml-proxy-operator"})
  void buildStageCopiesTheModulesJar(String module, String jarName) throws IOException {
    String pom = Files.readString(RepositoryLayout.root().resolve(module).resolve("pom.xml"));
    String dockerfile = Files.readString(RepositoryLayout.dockerfile(module));

    assertThat(pom).contains("<finalName>" + jarName + "</finalName>");
    assertThat(dockerfile).contains("-pl " + module + " -am package", module + "/target/" + jarName + ".jar");
  }

  /** The images point java.io.tmpdir at /tmp; with a read-only root it must be a mounted volume. */
  static void assertWritableTmp(Container container) {
    if (Boolean.TRUE.equals(container.getSecurityContext().getReadOnlyRootFilesystem())) {
      assertThat(container.getVolumeMounts()).extracting(VolumeMount::getMountPath).contains("/tmp");
    }
  }
}
