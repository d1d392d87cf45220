package org.postgresml.proxy.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationTextTest {

  @Test
  void singleUnits() {
    assertThat(DurationText.parse("k", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationText.parse("k", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationText.parse("k", "5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(DurationText.parse("k", " 1 h ")).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void sumsAsTheCrdAdmitsThem() {
    assertThat(DurationText.parse("k", "1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(DurationText.parse("k", "1h2m3s4ms")).isEqualTo(Duration.ofMillis(3_723_004));
  }

  @Test
  void invalidTextNamesTheKey() {
    assertThatThrownBy(() -> DurationText.parse("timeouts.shutdown", "30"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("timeouts.shutdown: invalid duration '30'");
    assertThatThrownBy(() -> DurationText.parse("k", "1m30")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> DurationText.parse("k", "99999999999999999999s")).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> DurationText.parse("k", "")).isInstanceOf(ConfigException.class);
  }
}
