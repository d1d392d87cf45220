package org.postgresml.proxy.observe;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;
import org.postgresml.proxy.net.Transport;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.postgresml.proxy.upstream.UpstreamReadiness;
import java.util.function.Supplier;

/**
 * The HTTP port: {@code /livez} (the process serves), {@code /readyz} (the PostgreSQL port accepts
 * clients, a server connection can log in to the upstream and the proxy is not draining) and
 * {@code /metrics} (Prometheus text). It opens before the login warm-up, so that /livez answers
 * while it runs (and no warm-up socket can hold its port).
 */
public final class HealthServer {

  private final ProxyMetrics metrics;
  /** The running upstream's connector (a reload may replace it). */
  private final Supplier<UpstreamConnector> upstream;
  private final BooleanSupplier accepting;
  private final BooleanSupplier draining;
  private Channel channel;

  /** @param accepting false until the PostgreSQL port accepts clients (the login warm-up runs before) */
  public HealthServer(ProxyMetrics metrics, Supplier<UpstreamConnector> upstream, BooleanSupplier accepting,
      BooleanSupplier draining) {
    this.metrics = metrics;
    this.upstream = upstream;
    this.accepting = accepting;
    this.draining = draining;
  }

  public InetSocketAddress start(EventLoopGroup group, String host, int port) throws InterruptedException {
    channel = new ServerBootstrap().group(group).channel(Transport.selected().serverChannel())
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Routes());
          }
        }).bind(host, port).sync().channel();
    return (InetSocketAddress) channel.localAddress();
  }

  public void stop() {
    if (channel != null) {
      channel.close().syncUninterruptibly();
    }
  }

  private final class Routes extends SimpleChannelInboundHandler<FullHttpRequest> {
    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      switch (new QueryStringDecoder(request.uri()).path()) {
        case "/livez" -> reply(ctx, keepAlive, HttpResponseStatus.OK, "text/plain", "ok\n");
        case "/readyz" -> {
          if (!accepting.getAsBoolean()) {
            reply(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain",
                "starting: the login warm-up runs\n");
            return;
          }
          if (draining.getAsBoolean()) {
            reply(ctx, keepAlive, HttpResponseStatus.SERVICE_UNAVAILABLE, "text/plain", "draining\n");
            return;
          }
          UpstreamConnector connector = upstream.get();
          connector.readiness().check(ctx.channel().eventLoop()).addListener(done -> {
            UpstreamReadiness.Verdict verdict = (UpstreamReadiness.Verdict) done.getNow();
            reply(ctx, keepAlive, verdict.ready() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                "text/plain", verdict.ready() ? "ready\n" : "not ready: " + verdict.reason() + "\n");
          });
        }
        case "/metrics" -> reply(ctx, keepAlive, HttpResponseStatus.OK,
            "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
        default -> reply(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
      }
    }

    private void reply(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, String type,
                       String body) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
      HttpUtil.setContentLength(response, response.content().readableBytes());
      HttpUtil.setKeepAlive(response, keepAlive);
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }
  }
}
