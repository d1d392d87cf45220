package org.postgresml.proxy.config.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The YAML model and the settings table name the same keys; the documented example file reads into it. */
class ConfigFileTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  @Test
  void everyKeyOfTheModelIsASettingOfTheTableAndBack() {
    List<String> modelKeys = new ArrayList<>();
    collect(ConfigFile.class, "", modelKeys);
    List<String> tableKeys = Arrays.stream(Setting.values()).flatMap(setting -> setting.key().stream()).toList();
    assertThat(modelKeys).containsExactlyInAnyOrderElementsOf(tableKeys);
  }

  /** Leaves are values and lists (of values, or of entries such as clientAuth.users); sections recurse. */
  private static void collect(Class<?> section, String prefix, List<String> keys) {
    for (RecordComponent component : section.getRecordComponents()) {
      String key = prefix + component.getName();
      if (component.getType().isRecord()) {
        collect(component.getType(), key + ".", keys);
      } else {
        keys.add(key);
        if (component.getGenericType() instanceof ParameterizedType list) {
          assertThat(list.getActualTypeArguments()[0]).as(key).isIn(String.class, ConfigFile.User.class, ConfigFile.CacheFunction.class);
        }
      }
    }
  }

  @Test
  void theDocumentedExampleFileReads() throws IOException {
    String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
    int start = doc.indexOf("```yaml\n", doc.indexOf("## YAML file")) + "```yaml\n".length();
    String example = doc.substring(start, doc.indexOf("```", start));
    ConfigFile file = YAML.readValue(example, ConfigFile.class);
    assertThat(file.pool().size()).isEqualTo(20);
    assertThat(file.clientAuth().users()).extracting(ConfigFile.User::name)
        .containsExactly("rds_app", "nightly_job", "legacy_app");
    assertThat(file.cancel().failureBurst()).isEqualTo(100);
  }

  @Test
  void unsetKeysAreNotWrittenAndSetOnesInDeclarationOrder() throws IOException {
    ConfigFile file = new ConfigFile(new ConfigFile.Listen(ConfigWords.ALL_ADDRESSES, 6432, null), null, null, null,
        new ConfigFile.ClientAuth(ConfigWords.SCRAM_SHA_256, null,
            List.of(new ConfigFile.User("app", ConfigWords.MD5, null, "/p", null))),
        null, null, null, new ConfigFile.Timeouts(null, "30s", "5s"), null, null, null,
        new ConfigFile.Cache(List.of(new ConfigFile.CacheFunction("pgml.embed", true)), null, null, 0L));
    assertThat(YAML.writeValueAsString(file)).isEqualTo("""
        listen:
          host: 0.0.0.0
          port: 6432
        clientAuth:
          method: scram-sha-256
          users:
          - name: app
            method: md5
            passwordFile: /p
        timeouts:
          shutdown: 30s
          shutdownGrace: 5s
        cache:
          functions:
          - name: pgml.embed
            public: true
          generation: 0
        """);
    assertThat(YAML.readValue(YAML.writeValueAsString(file), ConfigFile.class)).isEqualTo(file);
  }

  @Test
  void absentSectionsReadAsEmptyOnes() {
    ConfigFile file = ConfigFile.EMPTY.withEmptySections();
    assertThat(file.pool().size()).isNull();
    assertThat(file.fleet().peers()).isNull();
    assertThat(file.adminUsers()).isNull();
  }
}
