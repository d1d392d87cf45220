package org.postgresml.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every key in values.yaml has a comment right above it (or above its parent block's first key). */
class ChartValuesDocumentationTest {

  private static final Pattern KEY = Pattern.compile("^(\\s*)([A-Za-z][A-Za-z0-9]*):.*$");

  @Test
  void everyValueHasAComment() throws IOException {
    List<String> lines = Files.readAllLines(RepositoryLayout.chart().resolve("values.yaml"));
    List<String> undocumented = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      var key = KEY.matcher(lines.get(i));
      if (!key.matches() || opensABlock(lines, i, key.group(1).length())) {
        continue;
      }
      if (!commentAbove(lines, i)) {
        undocumented.add((i + 1) + ": " + lines.get(i).strip());
      }
    }

    assertThat(undocumented).as("values.yaml keys without a comment").isEmpty();
  }

  /** A key whose value is an indented block is documented by the comments of its children. */
  private static boolean opensABlock(List<String> lines, int index, int indent) {
    if (!lines.get(index).strip().endsWith(":")) {
      return false;
    }
    for (int next = index + 1; next < lines.size(); next++) {
      String line = lines.get(next);
      if (line.isBlank()) {
        continue;
      }
      return line.length() - line.stripLeading().length() > indent;
    }
    return false;
  }

  private static boolean commentAbove(List<String> lines, int index) {
    for (int above = index - 1; above >= 0; above--) {
      String line = lines.get(above).strip();
      if (line.startsWith("#")) {
        return true;
      }
      if (!line.isEmpty() || above < index - 1) {
        return false;
      }
    }
    return false;
  }
}
