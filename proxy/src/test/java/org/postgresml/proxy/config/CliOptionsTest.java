package org.postgresml.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.model.Setting;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** The command line and the settings table agree: the same flags, labels, help and defaults. */
class CliOptionsTest {

  private static final CommandLine COMMAND_LINE = new CommandLine(new CliOptions());

  private static List<OptionSpec> settingOptions() {
    return COMMAND_LINE.getCommandSpec().options().stream()
        .filter(option -> !option.usageHelp() && !option.versionHelp()).toList();
  }

  @Test
  void everyFlagIsASettingOfTheTableAndEveryFlagOfTheTableAnOption() {
    List<String> options = settingOptions().stream().map(OptionSpec::longestName).toList();
    List<String> table = Arrays.stream(Setting.values()).flatMap(setting -> setting.flag().stream()).toList();
    assertThat(options).containsExactlyInAnyOrderElementsOf(table);
  }

  @Test
  void valueLabelsAreTheTables() {
    for (OptionSpec option : settingOptions()) {
      Setting setting = Setting.byFlag(option.longestName()).orElseThrow();
      if (option.arity().max() == 0) {
        assertThat(setting.paramLabel()).as(option.longestName()).isEmpty();
      } else {
        assertThat(setting.paramLabel()).as(option.longestName()).contains(option.paramLabel());
      }
    }
  }

  @Test
  void helpIsTheTablesLineWithItsDefaultAndEnvironmentVariable() {
    Map<String, String> descriptions = settingOptions().stream()
        .collect(Collectors.toMap(OptionSpec::longestName, option -> String.join(" ", option.description())));
    for (Setting setting : Setting.values()) {
      setting.flag().ifPresent(flag -> assertThat(descriptions.get(flag)).as(flag)
          .isEqualTo(CliHelp.description(setting)).startsWith(setting.help()));
    }
    assertThat(descriptions.get("--pool-size")).isEqualTo("Server connections per pool (default 20).");
    assertThat(descriptions.get("--log-format")).isEqualTo("text or json (default text; env PGML_PROXY_LOG_FORMAT).");
  }

  @Test
  void usageNamesEveryEnvironmentVariable() {
    StringWriter out = new StringWriter();
    COMMAND_LINE.usage(new PrintWriter(out));
    List<String> env = Arrays.stream(Setting.values()).flatMap(setting -> setting.env().stream()).toList();
    assertThat(env).hasSize(6);
    assertThat(out.toString()).contains(env).contains("Server connections per pool (default 20).")
        .contains("Flags win over the environment, which wins over the --config file.");
  }

  /** The resolver's environment variables are the table's. */
  @Test
  void resolverReadsTheTablesEnvironmentVariables() {
    Function<Setting, String> env = setting -> setting.env().orElseThrow();
    assertThat(List.of(SettingsResolver.ENV_DATABASE_URL, SettingsResolver.ENV_CONFIG, SettingsResolver.ENV_LOG_FORMAT,
        SettingsResolver.ENV_REPLICA_ID, SettingsResolver.ENV_FLEET_PEERS_DNS, SettingsResolver.ENV_FLEET_SECRET_FILE))
        .containsExactlyInAnyOrder(Arrays.stream(Setting.values()).flatMap(s -> s.env().stream())
            .toArray(String[]::new));
  }
}
