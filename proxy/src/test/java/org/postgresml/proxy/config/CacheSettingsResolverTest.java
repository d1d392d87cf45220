package org.postgresml.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CacheSettingsResolverTest {

  @TempDir
  Path directory;

  private CacheSettings resolve(String cacheYaml) throws IOException {
    Path file = Files.writeString(directory.resolve("proxy.yaml"),
        "upstream: {url: 'postgres://u:p@127.0.0.1:5432/db'}\n" + cacheYaml);
    return CacheSettingsResolver.resolve(ConfigFileReader.read(file).cache());
  }

  @Test
  void offByDefaultWithTheTablesDefaults() throws IOException {
    CacheSettings none = resolve("");
    assertThat(none.enabled()).isFalse();
    assertThat(none.maxSizeBytes()).isEqualTo(256L * 1024 * 1024);
    assertThat(none.ttl()).isEqualTo(Duration.ofHours(1));
    assertThat(none.generation()).isZero();
    assertThat(none).isEqualTo(CacheSettings.OFF);
  }

  @Test
  void theSharedContractsKeys() throws IOException {
    CacheSettings settings = resolve("""
        cache:
          functions:
            - name: pgml.embed
              public: true
            - name: pgml.transform
          maxSize: 4GB
          ttl: 1h30m
          generation: -9000000000
        """);
    assertThat(settings.functions()).isEqualTo(Map.of("pgml.embed", true, "pgml.transform", false));
    assertThat(settings.maxSizeBytes()).isEqualTo(4L * 1024 * 1024 * 1024);
    assertThat(settings.ttl()).isEqualTo(Duration.ofMinutes(90));
    assertThat(settings.generation()).isEqualTo(-9_000_000_000L);
  }

  @Test
  void badValuesAreRefusedWithTheirKey() {
    assertThatThrownBy(() -> resolve("cache: {functions: [{name: Pgml.Embed}]}"))
        .hasMessage("cache.functions[0].name: 'Pgml.Embed' is not a schema-qualified function name in lower case"
            + " without quotes (for example pgml.embed)");
    assertThatThrownBy(() -> resolve("cache: {functions: [{name: embed}]}"))
        .hasMessageContaining("cache.functions[0].name: 'embed' is not a schema-qualified");
    assertThatThrownBy(() -> resolve("cache: {functions: [{name: 'pgml.embed; DROP'}]}"))
        .hasMessageContaining("is not a schema-qualified");
    assertThatThrownBy(() -> resolve("cache: {functions: [{public: true}]}"))
        .hasMessage("cache.functions[0].name: missing (a schema-qualified function such as pgml.embed)");
    assertThatThrownBy(() -> resolve("cache: {functions: [{name: pgml.embed}, {name: pgml.embed}]}"))
        .hasMessage("cache.functions[1].name: pgml.embed is listed twice");
    assertThatThrownBy(() -> resolve("cache: {maxSize: -1MB}"))
        .hasMessage("cache.maxSize must not be negative, not -1MB");
    assertThatThrownBy(() -> resolve("cache: {maxSize: 100kB}"))
        .hasMessage("cache.maxSize must be between 1MB and 64GB, not 100kB");
    assertThatThrownBy(() -> resolve("cache: {maxSize: 9999999999999GB}"))
        .hasMessageContaining("cache.maxSize must be between 1MB and 64GB");
    assertThatThrownBy(() -> resolve("cache: {ttl: 0s}"))
        .hasMessage("cache.ttl must be above 0 (to turn the cache off, list no functions)");
    assertThatThrownBy(() -> resolve("cache: {ttl: forever}"))
        .hasMessageContaining("cache.ttl: invalid duration 'forever'");
    assertThatThrownBy(() -> resolve("cache: {size: 1MB}")).hasMessageContaining("unknown key 'size'");
  }
}
