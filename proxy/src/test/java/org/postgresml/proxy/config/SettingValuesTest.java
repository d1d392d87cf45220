package org.postgresml.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresml.proxy.config.model.Setting;
import picocli.CommandLine;

/** SHOW CONFIG's rows: every setting of the table, defaults as the resolver applies them, no secret. */
class SettingValuesTest {

  @TempDir
  Path dir;

  private static ProxySettings resolve(Map<String, String> env, String... args) {
    CliOptions options = new CliOptions();
    new CommandLine(options).parseArgs(args);
    return new SettingsResolver(options, env).resolve();
  }

  private static Map<String, SettingValues.Shown> byKey(ProxySettings settings) {
    return SettingValues.of(settings).stream()
        .collect(Collectors.toMap(SettingValues.Shown::key, Function.identity()));
  }

  @Test
  void everySettingWithAKeyIsShownInTheTablesOrder() {
    List<String> keys = SettingValues.of(resolve(Map.of("DATABASE_URL", "postgres://u:p@h/db")))
        .stream().map(SettingValues.Shown::key).toList();
    assertThat(keys).containsExactlyElementsOf(Arrays.stream(Setting.values())
        .flatMap(setting -> setting.key().stream()).toList());
    assertThat(keys).contains("cancel.failuresPerSecond", "cancel.failureBurst", "cancel.logInterval");
  }

  /** What the resolver applies when nothing is set is the table's default: written once, read everywhere. */
  @Test
  void theResolversDefaultsAreTheTables() {
    Map<String, SettingValues.Shown> shown = byKey(resolve(Map.of("DATABASE_URL", "postgres://u:p@h/db")));
    for (Setting setting : Setting.values()) {
      if (setting.key().isPresent() && setting.defaultValue().isPresent()) {
        SettingValues.Shown row = shown.get(setting.yamlKey());
        assertThat(row.value()).as(setting.yamlKey()).isEqualTo(row.defaultValue());
      }
    }
    assertThat(shown.get("pool.size").value()).isEqualTo("20");
    assertThat(shown.get("pool.queryWaitTimeout").value()).isEqualTo("PT30S");
    assertThat(shown.get("upstream.connectTimeout").value()).isEqualTo("PT10S");
    assertThat(shown.get("limits.maxMessageSize").value()).isEqualTo("64MB");
    assertThat(shown.get("cancel.failuresPerSecond").value()).isEqualTo("10");
    assertThat(shown.get("clientAuth.method").value()).isEqualTo("scram-sha-256");
  }

  @Test
  void valuesAreTheRunningOnesAndReloadabilityTheTables() throws IOException {
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, """
        pool: {size: 7, queryWaitTimeout: 2s, maxPools: 9}
        cancel: {failuresPerSecond: 2.5, failureBurst: 3, logInterval: 5s}
        """);
    Map<String, SettingValues.Shown> shown = byKey(resolve(Map.of("DATABASE_URL", "postgres://u:p@h/db"),
        "--config", file.toString()));
    assertThat(shown.get("pool.size").value()).isEqualTo("7");
    assertThat(shown.get("pool.size").defaultValue()).isEqualTo("20");
    assertThat(shown.get("pool.queryWaitTimeout").value()).isEqualTo("PT2S");
    assertThat(shown.get("pool.maxPools").value()).isEqualTo("9");
    assertThat(shown.get("cancel.failuresPerSecond").value()).isEqualTo("2.5");
    assertThat(shown.get("cancel.failureBurst").value()).isEqualTo("3");
    assertThat(shown.get("cancel.logInterval").value()).isEqualTo("PT5S");
    assertThat(shown.get("pool.size").reloadable()).isTrue();
    assertThat(shown.get("listen.port").reloadable()).isFalse();
  }

  @Test
  void aReloadNamesTheSettingsOnlyARestartApplies() {
    Map<String, String> env = Map.of("DATABASE_URL", "postgres://u:p@h/db");
    ProxySettings running = resolve(env);
    assertThat(SettingValues.restartNeeded(running, resolve(env, "--pool-size", "3", "--max-pools", "7")))
        .isEmpty();
    assertThat(SettingValues.restartNeeded(running, resolve(env, "--port", "7000", "--pool-size", "3",
        "--listen-host", "127.0.0.1", "--log-format", "json"))).containsExactly("listen.host", "listen.port", "log.format");
  }

  @Test
  void neitherThePasswordNorTheFleetSecretIsShown() throws IOException {
    Path secret = dir.resolve("fleet-secret");
    Files.writeString(secret, "a-fleet-secret-of-32-characters!\n");
    Path password = dir.resolve("password");
    Files.writeString(password, "user-password-in-a-file\n");
    Path file = dir.resolve("proxy.yaml");
    Files.writeString(file, "clientAuth:\n  users:\n    - {name: app, passwordFile: " + password + "}\n");
    List<SettingValues.Shown> rows = SettingValues.of(resolve(
        Map.of("DATABASE_URL", "postgres://u:url-password@h/db"), "--config", file.toString(),
        "--fleet-secret-file", secret.toString(), "--fleet-peers", "127.0.0.1:6433"));
    for (SettingValues.Shown row : rows) {
      assertThat(row.value() + row.defaultValue()).as(row.key()).doesNotContain("url-password")
          .doesNotContain("a-fleet-secret").doesNotContain("user-password");
    }
    assertThat(byKey(rows.stream().collect(Collectors.toList())).get("fleet.peerSecretFile").value())
        .isEqualTo("(set)");
    assertThat(byKey(rows).get("clientAuth.users").value()).isEqualTo("app");
  }

  private static Map<String, SettingValues.Shown> byKey(List<SettingValues.Shown> rows) {
    return rows.stream().collect(Collectors.toMap(SettingValues.Shown::key, Function.identity()));
  }
}
