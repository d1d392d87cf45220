package org.postgresml.testing.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A TCP relay on loopback that simulates a WAN link to an upstream: each direction is delayed by
 * half the round-trip time, and a new connection reaches the upstream one round trip after it
 * was accepted (the TCP handshake). This machine's kernel has no {@code tc netem}, hence this.
 */
public final class DelayRelay implements AutoCloseable {

  /** Bytes one direction of one connection may hold in flight before it stops reading. */
  static final long MAX_IN_FLIGHT_BYTES = 4L * 1024 * 1024;

  /**
   * epoll where it loads: its timerfd fires delays to the microsecond, while NIO's selector rounds
   * each one up to a whole millisecond (a 10 ms RTT would measure about 11).
   */
  private record Transport(IoHandlerFactory handlers, Class<? extends ServerChannel> server,
      Class<? extends Channel> client, String name) {
    static Transport best() {
      return Epoll.isAvailable()
          ? new Transport(EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollSocketChannel.class,
              "epoll")
          : new Transport(NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class, "nio");
    }
  }

  private static final Transport TRANSPORT = Transport.best();

  private final EventLoopGroup group;
  private final Channel server;
  private final Duration roundTrip;

  private DelayRelay(EventLoopGroup group, Channel server, Duration roundTrip) {
    this.group = group;
    this.server = server;
    this.roundTrip = roundTrip;
  }

  /** Starts a relay on a free loopback port in front of {@code upstreamHost:upstreamPort}. */
  public static DelayRelay start(String upstreamHost, int upstreamPort, Duration roundTrip) {
    InetSocketAddress upstream = new InetSocketAddress(upstreamHost, upstreamPort);
    long oneWayNanos = roundTrip.toNanos() / 2;
    // One thread: the relay carries little traffic, and every connection's two channels share it.
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, TRANSPORT.handlers());
    try {
      Channel server = new ServerBootstrap().group(group).channel(TRANSPORT.server())
          .childOption(ChannelOption.AUTO_READ, false)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel client) {
              client.pipeline().addLast(new Connector(upstream, roundTrip.toNanos(), oneWayNanos));
            }
          })
          .bind("127.0.0.1", 0).sync().channel();
      server.eventLoop().execute(DelayRelay::raiseOwnPriority);
      return new DelayRelay(group, server, roundTrip);
    } catch (InterruptedException e) {
      group.shutdownGracefully();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the delay relay", e);
    }
  }

  /**
   * On a machine loaded well past its cores a waking thread can wait milliseconds for a CPU, which
   * would lengthen every simulated delay. Only the relay's own thread is reniced (its Linux thread id
   * from /proc/thread-self), so no target is favoured; without the right to do so it stays as it is.
   */
  private static void raiseOwnPriority() {
    try {
      String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
      Process renice = new ProcessBuilder("renice", "-n", "-10", "-p", tid).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      priorityRaised = renice.waitFor(5, TimeUnit.SECONDS) && renice.exitValue() == 0;
    } catch (IOException | RuntimeException e) {
      priorityRaised = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static volatile boolean priorityRaised;

  /** Whether the relay's thread runs at raised priority (nice -10). */
  public static boolean priorityRaised() {
    return priorityRaised;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** "epoll" or "nio": which timer precision the delays had. */
  public static String transport() {
    return TRANSPORT.name();
  }

  public Duration roundTrip() {
    return roundTrip;
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Opens the upstream side one round trip after the client connected, then relays both ways. */
  private static final class Connector extends ChannelInboundHandlerAdapter {
    private final InetSocketAddress upstream;
    private final long connectDelayNanos;
    private final long oneWayNanos;

    Connector(InetSocketAddress upstream, long connectDelayNanos, long oneWayNanos) {
      this.upstream = upstream;
      this.connectDelayNanos = connectDelayNanos;
      this.oneWayNanos = oneWayNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
      if (connectDelayNanos == 0) {
        connect(ctx);
      } else {
        ctx.executor().schedule(() -> connect(ctx), connectDelayNanos, TimeUnit.NANOSECONDS);
      }
    }

    private void connect(ChannelHandlerContext ctx) {
      Channel client = ctx.channel();
      if (!client.isActive()) {
        return;
      }
      new Bootstrap().group(client.eventLoop()).channel(TRANSPORT.client())
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
          .handler(new DelayedForwarder(client, oneWayNanos, MAX_IN_FLIGHT_BYTES))
          .connect(upstream)
          .addListener((ChannelFutureListener) connected -> {
            if (!connected.isSuccess()) {
              client.close();
              return;
            }
            if (!client.isActive()) {
              connected.channel().close();
              return;
            }
            client.pipeline().replace(this, "forwarder",
                new DelayedForwarder(connected.channel(), oneWayNanos, MAX_IN_FLIGHT_BYTES));
            client.config().setAutoRead(true);
          });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      // The client left before the upstream side opened: nothing to relay.
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
