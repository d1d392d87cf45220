package org.postgresml.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.postgresml.proxy.admin.AdminAccess;
import org.postgresml.proxy.admin.AdminConsole;
import org.postgresml.proxy.admin.ProxyAdmin;
import org.postgresml.proxy.cache.AnswerCache;
import org.postgresml.proxy.config.ConfigException;
import org.postgresml.proxy.config.ConfigFileWatcher;
import org.postgresml.proxy.pool.PoolKey;
import org.postgresml.proxy.pool.ServerPools;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.config.FleetSettings;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.cancel.FleetCancel;
import org.postgresml.proxy.cancel.FleetCancelMetrics;
import org.postgresml.proxy.fleet.PeerDirectory;
import org.postgresml.proxy.fleet.SelfAddress;
import org.postgresml.proxy.net.Transport;
import org.postgresml.proxy.observe.HealthServer;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.cancel.CancelDispatch;
import org.postgresml.proxy.cancel.CancelKeys;
import org.postgresml.proxy.session.ClientSession;
import org.postgresml.proxy.session.NegotiationHandler;
import org.postgresml.proxy.session.SessionContext;
import org.postgresml.proxy.session.SessionRegistry;
import org.postgresml.proxy.tls.ClientTlsContext;
import org.postgresml.proxy.tls.UpstreamTlsContext;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The running proxy: the PostgreSQL listener, the HTTP port, and an orderly shutdown. */
public final class ProxyServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyServer.class);

  /** How often the configuration file is compared with what was loaded. */
  private static final long CONFIG_CHECK_MILLIS = 1000;

  private volatile ProxySettings settings;
  private final Supplier<ProxySettings> reloadSource;
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final SessionRegistry registry = new SessionRegistry();
  private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, Transport.selected().ioHandlers());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(Transport.ioThreads(),
      Transport.selected().ioHandlers());
  private volatile UpstreamConnector connector;
  private final ServerPools servers;
  private final SessionContext context;
  private final AnswerCache cache;
  private final HealthServer health;
  private final Optional<FleetCancel> fleet;
  private final ShutdownCoordinator drain;
  /** Completes when the first shutdown (SIGTERM, SHUTDOWN, close) has finished; later calls wait for it. */
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
  private ConfigFileWatcher configWatcher;
  private Channel listener;
  private volatile InetSocketAddress address;
  private Optional<InetSocketAddress> httpAddress = Optional.empty();

  public ProxyServer(ProxySettings settings) {
    this(settings, null);
  }

  /**
   * @param reloadSource reads the settings afresh (flags, environment, file) for RELOAD, SIGHUP and a
   *     changed file; null when there is nothing to re-read
   */
  public ProxyServer(ProxySettings settings, Supplier<ProxySettings> reloadSource) {
    this.settings = settings;
    this.reloadSource = reloadSource;
    this.connector = new UpstreamConnector(settings.upstream(), UpstreamTlsContext.create(settings.upstream()), metrics);
    this.servers = new ServerPools(connector, workers, settings.pool().mode(), settings.pool().perPool(),
        settings.pool().limits(), settings.pool().serverResetQuery(), metrics.registry(), registry::poolKeysInUse);
    this.fleet = fleetCancel(settings.fleet(), settings.port());
    this.cache = new AnswerCache(settings.cache(), metrics.registry());
    ProxyAdmin admin = new ProxyAdmin(registry, servers, () -> this.settings, cache, new ProxyAdmin.Levers() {
      @Override
      public CompletionStage<Void> reload() {
        return ProxyServer.this.reload();
      }

      @Override
      public void shutdown() {
        shutdownInBackground();
      }
    });
    CancelDispatch cancels = new CancelDispatch(new CancelKeys(), fleet, () -> this.settings.cancel(),
        metrics.registry());
    cancels.start(acceptor);
    this.context = new SessionContext(settings, settings.clientTls().map(ClientTlsContext::create),
        new ClientUsers(settings.clientUsers()),
        cancels, servers, registry, metrics,
        new AdminAccess(() -> this.settings.adminUsers(), new AdminConsole(admin)), cache);
    this.drain = new ShutdownCoordinator(registry, this::stopAccepting, metrics.registry());
    this.health = new HealthServer(metrics, () -> connector, () -> drain.isStopping());
  }

  /** Fleet-wide cancel when a fleet secret is configured; the peers' port is ours (one Deployment). */
  private Optional<FleetCancel> fleetCancel(FleetSettings fleetSettings, int port) {
    return fleetSettings.secret().map(secret -> new FleetCancel(secret,
        new PeerDirectory(fleetSettings.peers(), fleetSettings.peersDns(), port),
        new SelfAddress(() -> address == null ? port : address.getPort()), workers, Clock.systemUTC(),
        new FleetCancelMetrics(metrics.registry())));
  }

  /**
   * Reads the settings again and applies what can change while running: users, pool sizes and
   * timers, pool mode and reset query for new sessions, the upstream and its credentials. Sessions
   * stay. When the upstream changed, the pools retire their old connections (idle ones now, held ones
   * as clients release them). Settings that need a restart
   * (ports, TLS files) are logged as such.
   */
  public CompletionStage<Void> reload() {
    if (reloadSource == null) {
      return CompletableFuture.failedFuture(new ConfigException("nothing to reload: the proxy was started without a"
          + " configuration source"));
    }
    ProxySettings next;
    try {
      next = reloadSource.get();
    } catch (ConfigException e) {
      LOG.atWarn().addKeyValue("reason", e.getMessage()).log("reload rejected, keeping the running configuration");
      return CompletableFuture.failedFuture(e);
    }
    ProxySettings previous = settings;
    boolean upstreamChanged = !Objects.equals(previous.upstream(), next.upstream());
    UpstreamConnector nextConnector = null;
    if (upstreamChanged) {
      try {
        nextConnector = new UpstreamConnector(next.upstream(), UpstreamTlsContext.create(next.upstream()), metrics);
      } catch (ConfigException e) {
        LOG.atWarn().addKeyValue("reason", e.getMessage()).log("reload rejected, keeping the running configuration");
        return CompletableFuture.failedFuture(e);
      }
    }
    settings = next;
    context.reload(next, new ClientUsers(next.clientUsers()));
    cache.update(next.cache());
    servers.update(next.pool().mode(), next.pool().perPool(), next.pool().limits(), next.pool().serverResetQuery());
    if (upstreamChanged) {
      // New connections go to the new upstream; old ones close when idle or released, sessions stay.
      connector = nextConnector;
      servers.updateUpstream(nextConnector);
      LOG.atInfo().addKeyValue("upstream", next.upstream().url()).log("upstream changed, pools drain their old"
          + " connections");
    }
    if (previous.port() != next.port() || previous.httpPort() != next.httpPort()
        || !previous.listenHost().equals(next.listenHost()) || !previous.clientTls().equals(next.clientTls())
        || !previous.fleet().toString().equals(next.fleet().toString())) {
      LOG.atWarn().log("listen address, ports, TLS files and fleet peers change only with a restart");
    }
    LOG.atInfo().addKeyValue("pool_mode", next.pool().mode()).addKeyValue("pool_size", next.pool().perPool().size())
        .log("configuration reloaded");
    return CompletableFuture.completedFuture(null);
  }

  /** Reload for SIGHUP and a changed file: the outcome goes to the log (reload() logs a rejection). */
  public void reloadLogged() {
    reload();
  }

  public ProxySettings settings() {
    return settings;
  }

  /** Binds both ports; returns once clients can connect. */
  public ProxyServer start() throws InterruptedException {
    try {
      bind();
    } catch (Exception e) { // a taken port surfaces here as an undeclared BindException
      workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
    LOG.atInfo().addKeyValue("address", address).addKeyValue("http", httpAddress.map(String::valueOf).orElse("off"))
        .addKeyValue("upstream", settings.upstream().url()).addKeyValue("sslmode", settings.upstream().sslMode().text())
        .addKeyValue("transport", Transport.selected().name()).log("pgml-proxy listening");
    if (settings.clientAuthMethod() == org.postgresml.proxy.config.ClientAuthMethod.TRUST) {
      LOG.atWarn().addKeyValue("address", address).addKeyValue("allow_trust_on_network", settings.allowTrustOnNetwork())
          .log("client auth is trust: whoever reaches this address logs in as any configured user without a"
              + " password; the admin console takes only loopback clients");
    }
    return this;
  }

  private void bind() throws InterruptedException {
    listener = new ServerBootstrap().group(acceptor, workers).channel(Transport.selected().serverChannel())
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        // Bounded buffering per direction: past 1 MB pending, the other side stops reading.
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast("negotiation", new NegotiationHandler(context))
                .addLast("session", new ClientSession(context));
          }
        })
        .bind(settings.listenHost(), settings.port()).sync().channel();
    address = (InetSocketAddress) listener.localAddress();
    settings.configFile().ifPresent(file -> configWatcher = new ConfigFileWatcher(file, this::reloadLogged)
        .start(acceptor, CONFIG_CHECK_MILLIS));
    // Warm connections of the URL's own pool open before any client arrives (the WAN win).
    servers.warmUp(new PoolKey(settings.upstream().url().user(), settings.upstream().url().database()));
    if (settings.httpPort() > 0) {
      httpAddress = Optional.of(health.start(acceptor, settings.listenHost(), settings.httpPort()));
    }
  }

  public InetSocketAddress address() {
    return address;
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
    new Thread(() -> shutdown(settings.shutdownGrace(), settings.shutdownTimeout()), "pgml-proxy-shutdown").start();
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
    if (!stopping.compareAndSet(false, true)) {
      stopped.join(); // the admin SHUTDOWN and then SIGTERM: one drain, both return when it is done
      return;
    }
    try {
      drain.drain(grace, timeout);
      stop();
      stopped.complete(null);
    } catch (RuntimeException | Error e) {
      stopped.completeExceptionally(e);
      throw e;
    }
  }

  /** Completes once a shutdown has stopped everything. */
  public CompletableFuture<Void> stopped() {
    return stopped;
  }

  private void stopAccepting() {
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
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
