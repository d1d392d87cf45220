package org.postgresml.proxy.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.postgresml.proxy.net.Transport;
import org.postgresml.proxy.auth.UpstreamAuthenticator;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.config.SslMode;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.frontend.CancelRequest;
import org.postgresml.proxy.protocol.frontend.StartupMessage;

/**
 * Opens authenticated {@link ServerConnection}s to the upstream, on the event loop it is given (the
 * client channel's, so the relay never hops threads), and sends CancelRequests to it. The pools
 * fill themselves through it.
 */
public final class UpstreamConnector implements Upstream {

  private static final String FAILURE = "failure";

  private final ProxySettings.Upstream settings;
  private final Optional<SslContext> tls;
  private final UpstreamEvents metrics;
  /** Whether a server can log in now, from every login this connector makes (for /readyz). */
  private final UpstreamReadiness readiness = new UpstreamReadiness(this::probeLogin, System::nanoTime);

  public UpstreamConnector(ProxySettings.Upstream settings, Optional<SslContext> tls, UpstreamEvents metrics) {
    this.settings = settings;
    this.tls = tls;
    this.metrics = metrics;
  }

  /** Whether a server connection can log in to this upstream now. */
  public UpstreamReadiness readiness() {
    return readiness;
  }

  @Override
  public String address() {
    return settings.url().address();
  }

  /**
   * Connects, negotiates TLS, logs in as the URL's user to a database of the upstream (pools serve
   * any). No client settings travel in the startup: sessions apply theirs as SQL (ClientParameters),
   * so a pooled connection serves every client. Fails with an {@link UpstreamException} (SQLSTATE
   * class 08) naming the upstream host.
   */
  @Override
  public Future<ServerConnection> connect(EventLoop loop, String database) {
    long started = System.nanoTime();
    Future<ServerConnection> login = login(loop, database);
    login.addListener(done -> {
      if (done.isSuccess()) {
        metrics.upstreamConnected(System.nanoTime() - started);
      } else {
        metrics.upstreamConnectFailed();
      }
    });
    return login;
  }

  // A login for a client or for the readiness probe (which the connect metrics do not count); both
  // tell the readiness whether the upstream lets servers log in.
  private Future<ServerConnection> login(EventLoop loop, String database) {
    Promise<ServerConnection> result = loop.newPromise();
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", settings.url().user());
    parameters.put("database", database);
    StartupMessage startup = new StartupMessage(StartupMessage.PROTOCOL_3_0, parameters);
    open(loop, result, (channel, encrypted) -> {
      UpstreamAuthenticator authenticator = new UpstreamAuthenticator(settings.url().user(),
          settings.url().password(), encrypted, peerCertificate(channel));
      UpstreamHandshake handshake = new UpstreamHandshake(startup, authenticator, address(), metrics, result);
      channel.pipeline().addBefore(FAILURE, "frames", new FrameDecoder()).addBefore(FAILURE, "handshake", handshake);
      handshake.start(channel.pipeline().context(handshake));
    });
    ScheduledFuture<?> timeout = loop.schedule(() -> {
      result.tryFailure(new UpstreamException(SqlState.UNABLE_TO_CONNECT, "upstream " + address()
          + " did not complete login within " + settings.connectTimeout().toMillis() + " ms"));
    }, settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
    result.addListener(done -> {
      timeout.cancel(false);
      if (done.isSuccess()) {
        readiness.loggedIn();
      } else if (!isAboutTheClientsDatabase(database, done.cause())) {
        readiness.loginFailed(done.cause());
      }
    });
    return result;
  }

  // A client asking for a database the upstream lacks says nothing about whether the upstream serves.
  private boolean isAboutTheClientsDatabase(String database, Throwable cause) {
    return !database.equals(settings.url().database()) && cause instanceof UpstreamException upstream
        && SqlState.classOf(upstream.sqlState()).equals(SqlState.classOf(SqlState.INVALID_CATALOG_NAME));
  }

  /** Logs in to the URL's database and leaves again: the readiness probe when no login is recent. */
  private Future<ServerConnection> probeLogin(EventLoop loop) {
    Future<ServerConnection> login = login(loop, settings.url().database());
    login.addListener(done -> {
      if (done.isSuccess()) {
        login.getNow().close();
      }
    });
    return login;
  }

  /** Sends a CancelRequest for the given upstream key over a fresh connection, as libpq does. */
  @Override
  public Future<Void> cancel(EventLoop loop, BackendKeyData upstreamKey) {
    Promise<Void> sent = loop.newPromise();
    open(loop, sent, (channel, encrypted) -> channel.writeAndFlush(
            new CancelRequest(upstreamKey.processId(), upstreamKey.secretKey()).encode(channel.alloc()))
        .addListener((ChannelFutureListener) write -> {
          if (write.isSuccess()) {
            sent.trySuccess(null);
          } else {
            sent.tryFailure(write.cause());
          }
          // PostgreSQL closes after reading a cancel; closing here too keeps nothing lingering.
          write.channel().close();
        }));
    return sent;
  }

  /** What to do once the transport is ready, given whether it is encrypted. */
  private interface Ready {
    void run(Channel channel, boolean encrypted);
  }

  private void open(EventLoop loop, Promise<?> result, Ready ready) {
    SslMode mode = settings.sslMode();
    Bootstrap bootstrap = bootstrap(loop, new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel ch) {
        if (mode != SslMode.DISABLE) {
          Promise<Boolean> encrypted = ch.eventLoop().newPromise();
          ch.pipeline().addLast("tls-negotiation", new UpstreamTlsNegotiation(mode, tls.orElseThrow(),
              settings.url().host(), settings.url().port(), encrypted));
          encrypted.addListener(done -> {
            if (done.isSuccess()) {
              ready.run(ch, encrypted.getNow());
            } else {
              result.tryFailure(done.cause());
            }
          });
        }
        // Last in line: an error no later handler took (a failed TLS handshake) fails the attempt.
        ch.pipeline().addLast(FAILURE, new ChannelInboundHandlerAdapter() {
          @Override
          public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.tryFailure(new UpstreamException(SqlState.CONNECTION_FAILURE, "connection to upstream "
                + address() + " failed: " + UpstreamTlsNegotiation.reason(cause), cause));
            ctx.close();
          }
        });
      }
    });
    ChannelFuture connect = bootstrap.connect(settings.url().host(), settings.url().port());
    connect.addListener((ChannelFutureListener) done -> {
      if (!done.isSuccess()) {
        result.tryFailure(new UpstreamException(SqlState.UNABLE_TO_CONNECT, "could not connect to upstream "
            + address() + ": " + UpstreamTlsNegotiation.reason(done.cause()), done.cause()));
      } else if (mode == SslMode.DISABLE) {
        ready.run(done.channel(), false);
      }
    });
    result.addListener(done -> {
      if (!done.isSuccess()) {
        connect.channel().close();
      }
    });
  }

  private Bootstrap bootstrap(EventLoop loop, ChannelInitializer<SocketChannel> initializer) {
    return new Bootstrap().group(loop).channel(Transport.selected().socketChannel())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            settings.connectTimeout().toMillis()))
        .handler(initializer);
  }

  private static Optional<X509Certificate> peerCertificate(Channel channel) {
    SslHandler tls = channel.pipeline().get(SslHandler.class);
    if (tls == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = tls.engine().getSession().getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }
}
