package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ChartMetadataTest {

  @Test
  void chartAndAppVersionAreTheProjectVersion() throws IOException {
    JsonNode chart = new YAMLMapper().readTree(RepositoryLayout.chart().resolve("Chart.yaml").toFile());

    assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
    assertThat(chart.path("name").asText()).isEqualTo(RepositoryLayout.CHART_NAME);
    assertThat(chart.path("appVersion").asText()).isEqualTo(RepositoryLayout.projectVersion());
    assertThat(chart.path("version").asText()).isEqualTo(RepositoryLayout.projectVersion());
  }
}
