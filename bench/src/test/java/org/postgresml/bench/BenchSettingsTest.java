package org.postgresml.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BenchSettingsTest {

  private static BenchSettings profiles(Set<String> names, Set<String> only) {
    return BenchSettings.profiles(names, false, Path.of("p.jar"), Path.of("r"), Path.of("w"), only);
  }

  @Test
  void issue17IsItsSetAndNothingElse() {
    BenchSettings settings = profiles(Set.of("issue17"), Set.of());

    assertThat(BenchSettings.ALL_SCENARIOS.stream().filter(settings::includes))
        .containsExactly("relay", "cpu", "login", "connect", "dblink", "select", "idle", "copy");
    assertThat(settings.connectRoundTrips()).containsExactly(Duration.ofMillis(10));
    assertThat(settings.dblinkRoundTrips()).containsExactly(Duration.ofMillis(20));
    assertThat(settings.dblinkCallers()).containsExactly(1, 8);
    assertThat(settings.selectOnlyClients()).containsExactly(1, 16, 64, 256);
  }

  @Test
  void profilesCombineAndOnlyNarrowsThem() {
    BenchSettings both = profiles(new java.util.LinkedHashSet<>(java.util.List.of("issue17", "issue18")), Set.of());
    assertThat(both.includes("cache")).isTrue();
    assertThat(both.includes("select")).isTrue();
    assertThat(both.includes("tpcb")).isFalse();
    assertThat(both.includes("operator")).isFalse();
    assertThat(both.runName()).isEqualTo("issue17+issue18");

    BenchSettings narrowed = profiles(Set.of("issue17"), Set.of("cpu", "tpcb"));
    assertThat(BenchSettings.ALL_SCENARIOS.stream().filter(narrowed::includes)).containsExactly("cpu");
  }

  @Test
  void anUnknownProfileIsNamed() {
    assertThatThrownBy(() -> profiles(Set.of("issue99"), Set.of())).hasMessageContaining("unknown profile 'issue99'");
  }

  @Test
  void eightCallersMakeFourTimesTheCallsOfOne() {
    BenchSettings settings = profiles(Set.of("issue17"), Set.of());
    assertThat(settings.dblinkCalls(8)).isEqualTo(4 * settings.dblinkCalls(1));
  }

  @Test
  void theCacheScenarioCanBeNarrowedToSomeHitRatiosAndCallerCounts() {
    BenchSettings issue18 = profiles(Set.of("issue18"), Set.of());

    BenchSettings fifty = issue18.withCache(java.util.List.of(50), java.util.List.of());
    assertThat(fifty.cacheHitPercents()).containsExactly(50);
    assertThat(fifty.cacheCallers()).containsExactly(1, 8);
    assertThat(fifty.cacheRounds()).isEqualTo(issue18.cacheRounds());
    assertThat(issue18.withCache(java.util.List.of(), java.util.List.of(1))).satisfies(one -> {
      assertThat(one.cacheHitPercents()).containsExactly(0, 50, 90);
      assertThat(one.cacheCallers()).containsExactly(1);
    });
  }
}
