package org.postgresml.proxy;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.config.SettingValues;
import org.postgresml.proxy.tls.UpstreamTlsContext;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.postgresml.proxy.upstream.UpstreamEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running settings and upstream, and their reload (RELOAD, SIGHUP, a changed file): reads the
 * settings again and hands the running proxy what can change while it runs (users, pool sizes and
 * timers, pool mode and reset query for new sessions, the upstream and its credentials). Sessions
 * stay. A rejected reload keeps everything as it was; settings that need a restart (the settings
 * table's restart-only ones: ports, TLS files, fleet peers) are logged by name.
 */
final class ConfigReload {

  /** Named as before the split, so that the reload's log lines read the same. */
  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  /** What a reload changes in the running proxy. */
  interface Target {
    /** New settings for users, pools and new sessions. */
    void settingsChanged(ProxySettings next);

    /** The upstream or its credentials changed: new connections go to this connector. */
    void upstreamChanged(UpstreamConnector next);
  }

  private final Supplier<ProxySettings> source;
  private final UpstreamEvents events;
  private final Target target;
  private volatile ProxySettings settings;
  private volatile UpstreamConnector connector;

  /**
   * @param source reads the settings afresh (flags, environment, file); null when there is nothing to re-read
   * @throws ConfigException when the upstream's TLS files cannot be read
   */
  ConfigReload(ProxySettings initial, Supplier<ProxySettings> source, UpstreamEvents events, Target target) {
    this.source = source;
    this.events = events;
    this.target = target;
    this.settings = initial;
    this.connector = connector(initial);
  }

  ProxySettings settings() {
    return settings;
  }

  /** Where new server connections go now. */
  UpstreamConnector connector() {
    return connector;
  }

  private UpstreamConnector connector(ProxySettings from) {
    return new UpstreamConnector(from.upstream(), UpstreamTlsContext.create(from.upstream()), events);
  }

  /**
   * Reads the settings again and applies them. When the upstream changed, the pools retire their old
   * connections (idle ones now, held ones as clients release them).
   */
  CompletionStage<Void> reload() {
    if (source == null) {
      return CompletableFuture.failedFuture(new ConfigException("nothing to reload: the proxy was started without a"
          + " configuration source"));
    }
    ProxySettings next;
    try {
      next = source.get();
    } catch (ConfigException e) {
      return rejected(e);
    }
    ProxySettings previous = settings;
    boolean upstreamChanged = !Objects.equals(previous.upstream(), next.upstream());
    UpstreamConnector nextConnector = null;
    if (upstreamChanged) {
      try {
        nextConnector = connector(next);
      } catch (ConfigException e) {
        return rejected(e);
      }
    }
    settings = next;
    target.settingsChanged(next);
    if (upstreamChanged) {
      // New connections go to the new upstream; old ones close when idle or released, sessions stay.
      connector = nextConnector;
      target.upstreamChanged(nextConnector);
      LOG.atInfo().addKeyValue("upstream", next.upstream().url()).log("upstream changed, pools drain their old"
          + " connections");
    }
    List<String> restartOnly = SettingValues.restartNeeded(previous, next);
    if (!restartOnly.isEmpty()) {
      LOG.atWarn().addKeyValue("settings", String.join(",", restartOnly))
          .log("these settings change only with a restart");
    }
    LOG.atInfo().addKeyValue("pool_mode", next.pool().mode()).addKeyValue("pool_size", next.pool().perPool().size())
        .log("configuration reloaded");
    return CompletableFuture.completedFuture(null);
  }

  private static CompletionStage<Void> rejected(ConfigException e) {
    LOG.atWarn().addKeyValue("reason", e.getMessage()).log("reload rejected, keeping the running configuration");
    return CompletableFuture.failedFuture(e);
  }
}
