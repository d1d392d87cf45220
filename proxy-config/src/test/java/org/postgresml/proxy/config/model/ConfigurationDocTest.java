package org.postgresml.proxy.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's settings table is {@link Setting}, rendered: this test fails when they
 * differ. To update the document after a change of the table, run it with
 * {@code -Dsettings.doc.write=true} and commit the result.
 */
class ConfigurationDocTest {

  static final String BEGIN = "<!-- settings table: generated from proxy-config's Setting.java by ConfigurationDocTest -->";
  static final String END = "<!-- end of settings table -->";

  private static final Path DOC = Path.of("..", "docs", "configuration.md");

  @Test
  void docsTableIsTheSettingsTable() throws IOException {
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(BEGIN);
    int end = doc.indexOf(END);
    assertThat(begin).as("docs/configuration.md holds the markers of the settings table").isNotNegative();
    assertThat(end).isGreaterThan(begin);
    String expected = BEGIN + "\n" + SettingsMarkdown.table() + END;
    String actual = doc.substring(begin, end + END.length());
    if (Boolean.getBoolean("settings.doc.write") && !actual.equals(expected)) {
      Files.writeString(DOC, doc.substring(0, begin) + expected + doc.substring(end + END.length()));
      return;
    }
    assertThat(actual).as("docs/configuration.md's table; regenerate with -Dsettings.doc.write=true")
        .isEqualTo(expected);
  }

  @Test
  void everyFlagEnvironmentVariableAndKeyIsNamedOnce() {
    for (var column : java.util.List.<java.util.function.Function<Setting, java.util.Optional<String>>>of(
        Setting::key, Setting::flag, Setting::env)) {
      var named = Arrays.stream(Setting.values()).map(column).flatMap(java.util.Optional::stream).toList();
      assertThat(new HashSet<>(named)).hasSameSizeAs(named);
    }
  }

  @Test
  void everySettingHasHelpAndADefaultOrADescriptionOfIt() {
    for (Setting setting : Setting.values()) {
      assertThat(setting.help()).as(setting.name()).isNotBlank().doesNotEndWith(".").doesNotContain("%");
      assertThat(setting.defaultDescription()).as(setting.name()).isNotBlank();
      setting.flag().ifPresent(flag -> assertThat(flag).startsWith("--"));
    }
    Set<String> keyless = Arrays.stream(Setting.values()).filter(s -> s.key().isEmpty()).map(Enum::name)
        .collect(Collectors.toSet());
    assertThat(keyless).containsExactly("CONFIG");
  }
}
