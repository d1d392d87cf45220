package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.operator.OperatorMain;
import picocli.CommandLine;

/**
 * The chart starts the operator with arguments its own command-line parser accepts, and probes
 * the port the operator serves /healthz and /readyz on.
 */
class OperatorCommandContractTest {

  @ParameterizedTest(name = "values: {0}")
  @ValueSource(strings = {"chart defaults", "src/test/resources/all-options-values.yaml"})
  void chartArgsParseAndPortsAgree(String valuesFile) {
    Deployment deployment = ChartTemplateTest.only(new StrictManifests().parse(
        ChartRenderer.ofRepositoryChart().template(valuesFile.endsWith(".yaml") ? Path.of(valuesFile) : null, Map.of()),
        "chart"), Deployment.class);
    Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);

    CommandLine.ParseResult parsed = OperatorMain.commandLine().parseArgs(container.getArgs().toArray(String[]::new));
    CommandLine.ParseResult run = parsed.subcommand();
    assertThat(run).as("the run subcommand").isNotNull();
    assertThat(run.commandSpec().name()).isEqualTo("run");

    int httpPort = run.matchedOptionValue("--http-port",
        Integer.parseInt(run.commandSpec().findOption("--http-port").defaultValue()));
    assertThat(container.getPorts()).singleElement().satisfies(port -> {
      assertThat(port.getContainerPort()).isEqualTo(httpPort);
      assertThat(port.getName()).isEqualTo(container.getLivenessProbe().getHttpGet().getPort().getStrVal());
    });
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");

    // Leader election keeps its Lease in the namespace the operator reads from POD_NAMESPACE.
    List<String> env = container.getEnv().stream().map(EnvVar::getName).toList();
    assertThat(env).contains("POD_NAMESPACE");
    assertThat(run.commandSpec().findOption("--lease-namespace").defaultValueString(false)).contains("POD_NAMESPACE");
  }
}
