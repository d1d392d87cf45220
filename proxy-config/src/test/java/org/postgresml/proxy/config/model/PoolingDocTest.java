package org.postgresml.proxy.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** docs/pooling.md explains the pool settings in a table of its own: its flags and defaults are the table's. */
class PoolingDocTest {

  @Test
  void poolingDocsFlagsAndDefaultsAreTheSettingsTables() throws IOException {
    List<String[]> rows = Files.readAllLines(Path.of("..", "docs", "pooling.md")).stream()
        .filter(line -> line.startsWith("| `pool.") || line.startsWith("| `upstream."))
        .map(line -> line.split("\\|"))
        .toList();
    assertThat(rows).hasSizeGreaterThan(10);
    for (String[] row : rows) {
      String key = unquote(row[1]);
      Setting setting = Setting.byKey(key).orElseThrow(() -> new AssertionError("pooling.md names " + key
          + ", which the settings table lacks"));
      assertThat(unquote(row[2])).as(key + "'s flag").isEqualTo(setting.flag().orElse(""));
      assertThat(unquote(row[3])).as(key + "'s default").isEqualTo(setting.defaultText());
    }
  }

  private static String unquote(String cell) {
    return cell.trim().replace("`", "");
  }
}
