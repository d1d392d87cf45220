package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartLintTest {

  @Test
  void chartPassesStrictLint() {
    var result = ChartRenderer.ofRepositoryChart().lint();

    assertThat(result.isFailed()).as("helm lint --strict: %s", result.getMessages()).isFalse();
  }

  /** The lint above can fail: the same chart with one broken template does. */
  @Test
  void lintFailsOnABrokenTemplate(@TempDir Path temp) throws IOException {
    Path copy = LocalFiles.copy(RepositoryLayout.chart(), temp.resolve("chart"));
    Files.writeString(copy.resolve("templates").resolve("broken.yaml"), "{{ .Values.image.repository \n");

    var result = new ChartRenderer(copy).lint();

    assertThat(result.isFailed()).isTrue();
    assertThat(result.getMessages()).anyMatch(message -> message.contains("broken.yaml"));
  }
}
