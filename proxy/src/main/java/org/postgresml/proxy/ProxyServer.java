package org.postgresml.proxy;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.postgresml.proxy.admin.AdminAccess;
import org.postgresml.proxy.admin.AdminConsole;
import org.postgresml.proxy.admin.ProxyAdmin;
import org.postgresml.proxy.cache.AnswerCache;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.cancel.CancelDispatch;
import org.postgresml.proxy.cancel.CancelKeys;
import org.postgresml.proxy.cancel.FleetCancel;
import org.postgresml.proxy.cancel.FleetCancelMetrics;
import org.postgresml.proxy.config.ClientAuthMethod;
import org.postgresml.proxy.config.ConfigFileWatcher;
import org.postgresml.proxy.config.FleetSettings;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.fleet.PeerDirectory;
import org.postgresml.proxy.fleet.SelfAddress;
import org.postgresml.proxy.net.Transport;
import org.postgresml.proxy.observe.HealthServer;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.pool.PoolKey;
import org.postgresml.proxy.pool.ServerPools;
import org.postgresml.proxy.session.SessionContext;
import org.postgresml.proxy.session.SessionRegistry;
import org.postgresml.proxy.tls.ClientTlsContext;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.postgresml.proxy.warmup.LoginWarmUp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: composes the PostgreSQL listener ({@link ClientListener} with a
 * {@link ClientChannelInitializer} per client), the pools, the HTTP port, the reload
 * ({@link ConfigReload}) and the orderly shutdown ({@link ShutdownOnce} over the drain of
 * {@link ShutdownCoordinator}).
 */
public final class ProxyServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  /** Where the login warm-up's listener binds: this host only. */
  private static final String LOOPBACK = "127.0.0.1";

  /** How often the configuration file is compared with what was loaded. */
  private static final long CONFIG_CHECK_MILLIS = 1000;

  private final ProxyMetrics metrics = new ProxyMetrics();
  private final SessionRegistry registry = new SessionRegistry();
  private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, Transport.selected().ioHandlers());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Transport.ioThreads(),
      Transport.selected().ioHandlers());
  private final ConfigReload reload;
  private final ServerPools servers;
  private final SessionContext context;
  private final AnswerCache cache;
  private final HealthServer health;
  private final Optional<FleetCancel> fleet;
  private final ClientListener listener;
  private final ShutdownCoordinator drain;
  private final ShutdownOnce shutdown;
  private ConfigFileWatcher configWatcher;
  private volatile InetSocketAddress address;
  /** Set once the PostgreSQL port accepts clients (after the login warm-up): /readyz says so. */
  private volatile boolean accepting;
  private Optional<LoginWarmUp.Outcome> warmUpOutcome = Optional.empty();
  private Optional<InetSocketAddress> httpAddress = Optional.empty();

  public ProxyServer(ProxySettings settings) {
    this(settings, null);
  }

  /**
   * @param reloadSource reads the settings afresh (flags, environment, file) for RELOAD, SIGHUP and a
   *     changed file; null when there is nothing to re-read
   */
  public ProxyServer(ProxySettings settings, Supplier<ProxySettings> reloadSource) {
    this.reload = new ConfigReload(settings, reloadSource, metrics, new ConfigReload.Target() {
      @Override
      public void settingsChanged(ProxySettings next) {
        applySettings(next);
      }

      @Override
      public void upstreamChanged(UpstreamConnector next) {
        applyUpstream(next);
      }
    });
    this.servers = new ServerPools(reload.connector(), workers, settings.pool().mode(), settings.pool().perPool(),
        settings.pool().limits(), settings.pool().serverResetQuery(), metrics.registry(), registry::poolKeysInUse);
    this.fleet = fleetCancel(settings.fleet(), settings.port());
    this.cache = new AnswerCache(settings.cache(), metrics.registry());
    ProxyAdmin admin = new ProxyAdmin(registry, servers, this::settings, cache, new ProxyAdmin.Levers() {
      @Override
      public CompletionStage<Void> reload() {
        return ProxyServer.this.reload();
      }

      @Override
      public void shutdown() {
        shutdownInBackground();
      }
    });
    CancelDispatch cancels = new CancelDispatch(new CancelKeys(), fleet, () -> settings().cancel(),
        metrics.registry());
    cancels.start(acceptor);
    this.context = new SessionContext(settings, settings.clientTls().map(ClientTlsContext::create),
        new ClientUsers(settings.clientUsers()),
        cancels, servers, registry, metrics,
        new AdminAccess(() -> settings().adminUsers(), new AdminConsole(admin)), cache);
    this.listener = new ClientListener(acceptor, workers, new ClientChannelInitializer(context));
    this.drain = new ShutdownCoordinator(registry, listener::close, metrics.registry());
    this.shutdown = new ShutdownOnce(drain, this::stop);
    this.health = new HealthServer(metrics, reload::connector, () -> accepting, () -> drain.isStopping());
  }

  /** Fleet-wide cancel when a fleet secret is configured; the peers' port is ours (one Deployment). */
  private Optional<FleetCancel> fleetCancel(FleetSettings fleetSettings, int port) {
    return fleetSettings.secret().map(secret -> new FleetCancel(secret,
        new PeerDirectory(fleetSettings.peers(), fleetSettings.peersDns(), port),
        new SelfAddress(() -> address == null ? port : address.getPort()), workers, Clock.systemUTC(),
        new FleetCancelMetrics(metrics.registry())));
  }

  // A reload's new settings: users and session settings for new logins, sizes and mode for the pools.
  private void applySettings(ProxySettings next) {
    context.reload(next, new ClientUsers(next.clientUsers()));
    cache.update(next.cache());
    servers.update(next.pool().mode(), next.pool().perPool(), next.pool().limits(), next.pool().serverResetQuery());
  }

  private void applyUpstream(UpstreamConnector next) {
    servers.updateUpstream(next);
  }

  /** Reads the settings again and applies what can change while running (see {@link ConfigReload}). */
  public CompletionStage<Void> reload() {
    return reload.reload();
  }

  /** Reload for SIGHUP and a changed file: the outcome goes to the log (reload() logs a rejection). */
  public void reloadLogged() {
    reload();
  }

  public ProxySettings settings() {
    return reload.settings();
  }

  /** Binds both ports; returns once clients can connect. */
  public ProxyServer start() throws InterruptedException {
    ProxySettings settings = settings();
    try {
      bind(settings);
    } catch (Exception e) { // a taken port surfaces here as an undeclared BindException
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    LOG.atInfo().addKeyValue("address", address).addKeyValue("http", httpAddress.map(String::valueOf).orElse("off"))
        .addKeyValue("upstream", settings.upstream().url()).addKeyValue("sslmode", settings.upstream().sslMode().text())
        .addKeyValue("transport", Transport.selected().name()).log("pgml-proxy listening");
    if (settings.clientAuthMethod() == ClientAuthMethod.TRUST) {
      LOG.atWarn().addKeyValue("address", address).addKeyValue("allow_trust_on_network", settings.allowTrustOnNetwork())
          .log("client auth is trust: whoever reaches this address logs in as any configured user without a"
              + " password; the admin console takes only loopback clients");
    }
    return this;
  }

  private void bind(ProxySettings settings) throws InterruptedException {
    // Both ports are taken first (a taken port stops the start at once, and no warm-up socket can
    // hold one); the PostgreSQL port accepts only once warm connections of the URL's own pool are on
    // their way (the WAN win) and the login path has warmed up, so the first clients find both
    // ready; meanwhile they wait in the backlog, /livez answers and /readyz says "starting".
    address = listener.bind(settings.listenHost(), settings.port());
    if (settings.httpPort() > 0) {
      httpAddress = Optional.of(health.start(acceptor, settings.listenHost(), settings.httpPort()));
    }
    servers.warmUp(new PoolKey(settings.upstream().url().user(), settings.upstream().url().database()));
    warmUpLogins(settings);
    listener.accept();
    accepting = true;
    settings.configFile().ifPresent(file -> configWatcher = new ConfigFileWatcher(file, this::reloadLogged)
        .start(acceptor, CONFIG_CHECK_MILLIS));
  }

  // The warm-up's own loopback listener and pools live only while its logins run (see LoginWarmUp).
  private void warmUpLogins(ProxySettings settings) throws InterruptedException {
    if (settings.warmUpLogins() == 0) {
      return;
    }
    try (LoginWarmUp warmUp = new LoginWarmUp(settings, context.clientTls(), context.cancels(), workers)) {
      ClientListener warmUpListener = new ClientListener(acceptor, workers,
          new ClientChannelInitializer(warmUp.context()));
      try {
        InetSocketAddress warmUpAddress = warmUpListener.bind(LOOPBACK, 0);
        warmUpListener.accept();
        warmUpOutcome = Optional.of(warmUp.run(warmUpAddress, settings.warmUpLogins()));
      } finally {
        warmUpListener.close();
      }
    }
  }

  public InetSocketAddress address() {
    return address;
  }

  /** How the login warm-up went (empty when it was off). */
  public Optional<LoginWarmUp.Outcome> warmUpOutcome() {
    return warmUpOutcome;
  }

  public Optional<InetSocketAddress> httpAddress() {
    return httpAddress;
  }

  public ProxyMetrics metrics() {
    return metrics;
  }

  public AnswerCache cache() {
    return cache;
  }

  /** The pools open now, by key (for tests and the admin console). */
  public java.util.Set<PoolKey> pools() {
    java.util.Set<PoolKey> keys = new java.util.HashSet<>();
    servers.pools().pools().forEach(entry -> keys.add(entry.getKey()));
    return keys;
  }

  public int activeSessions() {
    return registry.size();
  }

  /**
   * The configured shutdown (SIGTERM, SHUTDOWN): the grace, the drain, then the stop, on a thread of
   * its own; returns at once. {@link #stopped()} completes when it is over.
   */
  public void shutdownInBackground() {
    new Thread(() -> shutdown(settings().shutdownGrace(), settings().shutdownTimeout()), "pgml-proxy-shutdown")
        .start();
  }

  /** Stops accepting at once (no grace), then as {@link #shutdown(Duration, Duration)}. */
  public void shutdown(Duration timeout) {
    shutdown(Duration.ZERO, timeout);
  }

  /**
   * Answers 503 on /readyz and keeps accepting for the grace, then stops accepting and ends each
   * session between transactions for up to the timeout, ends the rest with 57P01 and stops the
   * threads (see {@link ShutdownCoordinator}). Returns when stopped; a second call waits for the first.
   */
  public void shutdown(Duration grace, Duration timeout) {
    shutdown.run(grace, timeout);
  }

  /** Completes once a shutdown has stopped everything. */
  public CompletableFuture<Void> stopped() {
    return shutdown.stopped();
  }

  private void stop() {
    health.stop();
    if (configWatcher != null) {
      configWatcher.close();
    }
    servers.close();
    fleet.ifPresent(FleetCancel::close);
    workers.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    acceptor.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    LOG.info("pgml-proxy stopped");
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }
}
