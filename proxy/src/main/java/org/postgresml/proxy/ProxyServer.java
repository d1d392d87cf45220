package org.postgresml.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.observe.HealthServer;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.session.CancelKeys;
import org.postgresml.proxy.session.ClientSession;
import org.postgresml.proxy.session.DirectConnectionProvider;
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

  private final ProxySettings settings;
  private final ProxyMetrics metrics = new ProxyMetrics();
  private final SessionRegistry registry = new SessionRegistry();
  private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
  private final UpstreamConnector connector;
  private final SessionContext context;
  private final HealthServer health;
  private volatile boolean draining;
  private Channel listener;
  private InetSocketAddress address;
  private Optional<InetSocketAddress> httpAddress = Optional.empty();

  public ProxyServer(ProxySettings settings) {
    this.settings = settings;
    this.connector = new UpstreamConnector(settings.upstream(), UpstreamTlsContext.create(settings.upstream()), metrics);
    this.context = new SessionContext(settings, settings.clientTls().map(ClientTlsContext::create),
        new ClientUsers(settings.clientUsers()), new CancelKeys(settings.replicaId()),
        new DirectConnectionProvider(connector), registry, metrics);
    this.health = new HealthServer(metrics, connector, () -> draining);
  }

  /** Binds both ports; returns once clients can connect. */
  public ProxyServer start() throws InterruptedException {
    listener = new ServerBootstrap().group(acceptor, workers).channel(NioServerSocketChannel.class)
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
    if (settings.httpPort() > 0) {
      httpAddress = Optional.of(health.start(acceptor, settings.listenHost(), settings.httpPort()));
    }
    LOG.atInfo().addKeyValue("address", address).addKeyValue("http", httpAddress.map(String::valueOf).orElse("off"))
        .addKeyValue("upstream", settings.upstream().url()).addKeyValue("sslmode", settings.upstream().sslMode().text())
        .log("pgml-proxy listening");
    return this;
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

  public int activeSessions() {
    return registry.size();
  }

  /**
   * Stops accepting, lets sessions finish for up to the shutdown timeout, then ends the rest with
   * 57P01 and stops the threads.
   */
  public void shutdown(Duration timeout) {
    draining = true;
    if (listener != null) {
      listener.close().syncUninterruptibly();
    }
    LOG.atInfo().addKeyValue("sessions", registry.size()).addKeyValue("timeout_ms", timeout.toMillis())
        .log("draining");
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      while (registry.size() > 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50); // polling a count: sessions end on their own threads
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (registry.size() > 0) {
      LOG.atInfo().addKeyValue("sessions", registry.size()).log("shutdown timeout reached, terminating sessions");
      registry.terminateAll(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command");
    }
    health.stop();
    workers.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    acceptor.shutdownGracefully(0, 1000, TimeUnit.MILLISECONDS).syncUninterruptibly();
    LOG.info("pgml-proxy stopped");
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }
}
