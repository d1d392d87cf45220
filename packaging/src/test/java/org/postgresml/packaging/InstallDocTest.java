package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The install commands in docs/install.md name files that exist and the namespace the manifests use. */
class InstallDocTest {

  private static final Pattern REPOSITORY_PATH =
      Pattern.compile("(?<![\\w/.-])((?:crds|deploy|charts|examples)/[\\w./-]*)");

  @Test
  void everyPathInACommandExists() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String command : commands()) {
      var path = REPOSITORY_PATH.matcher(command);
      while (path.find()) {
        if (!Files.exists(RepositoryLayout.root().resolve(path.group(1)))) {
          missing.add(path.group(1) + "  (in: " + command.strip() + ")");
        }
      }
    }

    assertThat(missing).as("paths in docs/install.md commands that do not exist").isEmpty();
  }

  @Test
  void helmAndKubectlInstallsUseTheSameNamespace() throws IOException {
    assertThat(commands()).anyMatch(command ->
        command.startsWith("helm install " + ChartRenderer.RELEASE + " charts/" + RepositoryLayout.CHART_NAME));
    assertThat(String.join("\n", commands()))
        .contains("--namespace " + ChartRenderer.NAMESPACE)
        .contains("-n " + ChartRenderer.NAMESPACE);
  }

  /** Lines of the ```sh blocks. */
  private static List<String> commands() throws IOException {
    List<String> commands = new ArrayList<>();
    boolean inBlock = false;
    for (String line : Files.readAllLines(RepositoryLayout.root().resolve("docs").resolve("install.md"))) {
      if (line.startsWith("```")) {
        inBlock = line.equals("```sh");
        continue;
      }
      if (inBlock) {
        commands.add(line);
      }
    }
    return commands;
  }
}
