package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CacheSwitchTest {

  @ParameterizedTest
  @ValueSource(strings = {"SET pgml_proxy.cache = off", "set pgml_proxy.cache to off", "SET SESSION pgml_proxy.cache=off;",
      "SET pgml_proxy.cache = 'off'", " SET PGML_PROXY.CACHE = FALSE ; ", "SET pgml_proxy.cache = 0",
      "SET pgml_proxy.cache = no", "SET pgml_proxy.cache = f", "\n\t sEt pgml_proxy.cache = off"})
  void off(String sql) {
    assertThat(CacheSwitch.read(sql)).isEqualTo(CacheSwitch.Said.OFF);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET pgml_proxy.cache = on", "SET pgml_proxy.cache TO DEFAULT", "RESET pgml_proxy.cache",
      "SET pgml_proxy.cache = 'true'", "SET pgml_proxy.cache = 1", "SET pgml_proxy.cache = y",
      "\r\f ReSeT pgml_proxy.cache"})
  void on(String sql) {
    assertThat(CacheSwitch.read(sql)).isEqualTo(CacheSwitch.Said.ON);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SHOW pgml_proxy.cache", " show PGML_PROXY.CACHE ; ", "SHOW\tpgml_proxy.cache;", "\n sHoW pgml_proxy.cache"})
  void show(String sql) {
    assertThat(CacheSwitch.read(sql)).isEqualTo(CacheSwitch.Said.SHOW);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET pgml_proxy.cache = maybe", "SET pgml_proxy.cache = o", "SET pgml_proxy.cache = ''"})
  void notABoolean(String sql) {
    assertThat(CacheSwitch.read(sql)).isEqualTo(CacheSwitch.Said.INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET LOCAL pgml_proxy.cache = off", "SET pgml_proxy.cache = off; SELECT 1",
      "SET pgml_proxy.cachex = off", "SET \"pgml_proxy\".cache = off", "SET extra_float_digits = 0",
      "SHOW pgml_proxy.cachex", "SHOW pgml_proxy.cache; SELECT 1", "SET pgml_proxy.cache = off -- c", "SELECT 1"})
  void notTheSwitch(String sql) {
    assertThat(CacheSwitch.read(sql)).isEqualTo(CacheSwitch.Said.NOT_THE_SWITCH);
  }
}
