package org.postgresml.proxy.session;

import io.netty.handler.ssl.SslContext;
import java.util.Optional;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.cache.AnswerCache;
import org.postgresml.proxy.cancel.CancelDispatch;
import org.postgresml.proxy.cancel.CancelKeys;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.pool.ServerConnectionProvider;

/**
 * What every client session shares: settings, TLS, users, cancel keys, the connection source. The
 * settings and users change on reload; a session reads them when it needs them.
 */
public final class SessionContext {

  private volatile ProxySettings settings;
  private volatile ClientUsers users;
  private final Optional<SslContext> clientTls;
  private final CancelDispatch cancels;
  private final ServerConnectionProvider servers;
  private final SessionRegistry registry;
  private final ProxyMetrics metrics;
  /** The proxy's own database (the admin console): checked and served apart from the pools. */
  private final LocalDatabase localDatabase;
  private final AnswerCache cache;
  private final ConnectionLimits connectionLimits = new ConnectionLimits(this::settings);
  /** Refused replication connections: one log line a minute, whatever the retry rate. */
  private final RefusalLog replicationRefusals = new RefusalLog("replication connection", 60,
      java.util.concurrent.TimeUnit.SECONDS);

  public SessionContext(ProxySettings settings, Optional<SslContext> clientTls, ClientUsers users,
      CancelDispatch cancels, ServerConnectionProvider servers, SessionRegistry registry, ProxyMetrics metrics,
      LocalDatabase localDatabase) {
    this(settings, clientTls, users, cancels, servers, registry, metrics, localDatabase,
        new AnswerCache(settings.cache(), metrics.registry()));
  }

  public SessionContext(ProxySettings settings, Optional<SslContext> clientTls, ClientUsers users,
      CancelDispatch cancels, ServerConnectionProvider servers, SessionRegistry registry, ProxyMetrics metrics,
      LocalDatabase localDatabase, AnswerCache cache) {
    this.cache = cache;
    this.settings = settings;
    this.clientTls = clientTls;
    this.users = users;
    this.cancels = cancels;
    this.servers = servers;
    this.registry = registry;
    this.metrics = metrics;
    this.localDatabase = localDatabase;
  }

  /** New settings and users for sessions that log in from now on. */
  public void reload(ProxySettings newSettings, ClientUsers newUsers) {
    settings = newSettings;
    users = newUsers;
  }

  RefusalLog replicationRefusals() {
    return replicationRefusals;
  }

  public ProxySettings settings() {
    return settings;
  }

  public Optional<SslContext> clientTls() {
    return clientTls;
  }

  public ClientUsers users() {
    return users;
  }

  public CancelKeys cancelKeys() {
    return cancels.keys();
  }

  public CancelDispatch cancels() {
    return cancels;
  }

  public ServerConnectionProvider servers() {
    return servers;
  }

  public SessionRegistry registry() {
    return registry;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  ConnectionLimits connectionLimits() {
    return connectionLimits;
  }

  /** The answer cache every session shares (its settings follow reloads: {@link AnswerCache#update}). */
  public AnswerCache cache() {
    return cache;
  }

  public LocalDatabase localDatabase() {
    return localDatabase;
  }
}
