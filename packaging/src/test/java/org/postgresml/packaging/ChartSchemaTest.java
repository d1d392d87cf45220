package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json must turn a wrong value into Helm's error before anything is rendered. */
class ChartSchemaTest {

  private final ChartRenderer chart = ChartRenderer.ofRepositoryChart();

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      replicaCount: two                          | replicaCount
      replicaCount: -1                           | replicaCount
      watchNamespaces: team-a                    | watchNamespaces
      watchNamespaces: [Team_A]                  | watchNamespaces
      leaderElection: {enabled: "yes"}           | leaderElection
      resyncInterval: ten minutes                | resyncInterval
      httpPort: "8080"                           | httpPort
      image: {pullPolicy: Sometimes}             | pullPolicy
      resources: {requests: {cpu: [1]}}          | cpu
      metrics: {serviceMonitor: {interval: 30}}  | interval
      replicas: 2                                | replicas
      serviceAccount: {create: true, nmae: x}    | nmae
      """)
  void rejectsAWrongValue(String values, String named, @TempDir Path temp) throws IOException {
    Path file = Files.writeString(temp.resolve("values.yaml"), values + "\n");

    assertThatThrownBy(() -> chart.template(file, Map.of()))
        .hasMessageContaining("schema")
        .hasMessageContaining(named);
  }

  /** The same mechanism accepts a correct value, so the rejections above are the schema's doing. */
  @Test
  void acceptsCorrectValues(@TempDir Path temp) throws IOException {
    Path file = Files.writeString(temp.resolve("values.yaml"),
        "replicaCount: 2\nwatchNamespaces: [team-a]\nhttpPort: 9090\nresyncInterval: 5m\nresources: {requests: {cpu: 1}}\n");

    assertThatCode(() -> chart.template(file, Map.of())).doesNotThrowAnyException();
  }
}
