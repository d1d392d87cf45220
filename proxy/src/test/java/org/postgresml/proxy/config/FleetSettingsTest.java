package org.postgresml.proxy.config;

import org.junit.jupiter.api.Test;

class FleetSettingsTest {

  @Test
  void aPeerMustBeHostAndPort() {
    for (String bad : java.util.List.of("proxy-a", ":6432", "proxy-a:", "proxy-a:http", "proxy-a:70000")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> FleetSettings.parsePeers(java.util.List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(bad);
    }
  }
}
