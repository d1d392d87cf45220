package org.postgresml.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.postgresml.proxy.upstream.UpstreamEvents;

/** What a reload hands the running proxy, without a running proxy: no socket is opened. */
class ConfigReloadTest {

  private final List<String> applied = new ArrayList<>();
  private final ConfigReload.Target target = new ConfigReload.Target() {
    @Override
    public void settingsChanged(ProxySettings next) {
      applied.add("settings pool_size=" + next.pool().perPool().size());
    }

    @Override
    public void upstreamChanged(UpstreamConnector next) {
      applied.add("upstream " + next.address());
    }
  };

  @Test
  void newSettingsReachTheProxyAndTheUpstreamOnlyWhenItChanged() {
    ProxySettings initial = settings("127.0.0.1:9", "--pool-size", "5");
    List<ProxySettings> next = new ArrayList<>(List.of(settings("127.0.0.1:9", "--pool-size", "7"),
        settings("127.0.0.2:9", "--pool-size", "7")));
    ConfigReload reload = new ConfigReload(initial, () -> next.remove(0), UpstreamEvents.NONE, target);
    UpstreamConnector first = reload.connector();

    reload.reload().toCompletableFuture().join();
    assertThat(applied).containsExactly("settings pool_size=7");
    assertThat(reload.connector()).as("same upstream: the same connector").isSameAs(first);
    assertThat(reload.settings().pool().perPool().size()).isEqualTo(7);

    reload.reload().toCompletableFuture().join();
    assertThat(applied).containsExactly("settings pool_size=7", "settings pool_size=7", "upstream 127.0.0.2:9");
    assertThat(reload.connector().address()).isEqualTo("127.0.0.2:9");
  }

  @Test
  void aRejectedReloadKeepsEverything() {
    ProxySettings initial = settings("127.0.0.1:9");
    Supplier<ProxySettings> broken = () -> {
      throw new ConfigException("pool.size must be at least 1");
    };
    ConfigReload reload = new ConfigReload(initial, broken, UpstreamEvents.NONE, target);
    UpstreamConnector first = reload.connector();
    assertThat(reload.reload().toCompletableFuture()).failsWithin(java.time.Duration.ZERO)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(ConfigException.class);
    assertThat(applied).isEmpty();
    assertThat(reload.settings()).isSameAs(initial);
    assertThat(reload.connector()).isSameAs(first);
  }

  @Test
  void withoutASourceThereIsNothingToReload() {
    ConfigReload reload = new ConfigReload(settings("127.0.0.1:9"), null, UpstreamEvents.NONE, target);
    assertThat(reload.reload().toCompletableFuture()).isCompletedExceptionally();
    try {
      reload.reload().toCompletableFuture().join();
    } catch (CompletionException e) {
      assertThat(e.getCause()).isInstanceOf(ConfigException.class).hasMessageContaining("nothing to reload");
    }
    assertThat(applied).isEmpty();
  }

  private static ProxySettings settings(String upstream, String... flags) {
    List<String> args = new ArrayList<>(List.of("--database-url",
        "postgres://app:app-password@" + upstream + "/app?sslmode=disable"));
    args.addAll(List.of(flags));
    StringWriter errors = new StringWriter();
    return CommandLineParser.parse(args.toArray(String[]::new), Map.of(), new PrintWriter(new StringWriter()),
        new PrintWriter(errors)).settings().orElseThrow(() -> new IllegalArgumentException(errors.toString()));
  }
}
