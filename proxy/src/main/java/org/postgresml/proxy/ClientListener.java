package org.postgresml.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.postgresml.proxy.net.Transport;

/**
 * The PostgreSQL port, with the socket options every client connection gets. With epoll every
 * worker loop has its own listening socket on the port (SO_REUSEPORT; the kernel spreads the
 * connections): a client is accepted and served by the same thread, with no hand-off from an
 * acceptor thread (an eventfd write and one more wake-up per login). Other transports accept on one
 * loop and serve each client on a worker loop.
 */
final class ClientListener {

  /** Pending connections the kernel queues while the acceptor is busy. */
  private static final int BACKLOG = 1024;
  /** Bounded buffering per direction: past 1 MB pending, the other side stops reading. */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final ChannelHandler initializer;
  private final List<Channel> channels = new ArrayList<>();

  ClientListener(EventLoopGroup acceptor, EventLoopGroup workers, ChannelHandler initializer) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.initializer = initializer;
  }

  /**
   * Binds, without accepting yet: connections wait in the kernel's backlog until {@link #accept()}.
   * Returns the bound address.
   */
  InetSocketAddress bind(String host, int port) throws InterruptedException {
    if (!Transport.selected().reusesPort()) {
      return bound(bootstrap(acceptor, workers).bind(host, port).sync().channel());
    }
    if (port != 0) {
      refuseIfTaken(host, port);
    }
    InetSocketAddress address = null;
    for (EventExecutor loop : workers) {
      // The first socket takes the port (maybe one the kernel picks); the others share it.
      Channel next = bootstrap((EventLoop) loop, (EventLoop) loop).option(UnixChannelOption.SO_REUSEPORT, true)
          .bind(host, address == null ? port : address.getPort()).sync().channel();
      InetSocketAddress local = bound(next);
      address = address == null ? local : address;
    }
    return address;
  }

  /**
   * SO_REUSEPORT lets any socket of the same user that sets it too share the port: a second proxy
   * started on it by mistake (an old process left running, two units with one port) would bind
   * without a word and take some of the clients. A socket bound without the option first fails as
   * a plain bind does, so a taken port still stops the start.
   */
  static void refuseIfTaken(String host, int port) {
    try (ServerSocket probe = new ServerSocket()) {
      // As Netty binds: a port its last listener's connections left in TIME_WAIT is free. One that an
      // outgoing connection of this host used as its own port and left in TIME_WAIT is not, for any bind.
      probe.setReuseAddress(true);
      probe.bind(new InetSocketAddress(host, port), 1);
    } catch (BindException e) {
      throw new UncheckedIOException("port " + port + " on " + host + " is in use: another process listens on it,"
          + " or a connection of this host still holds it as its own port", e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
  }

  private ServerBootstrap bootstrap(EventLoopGroup parent, EventLoopGroup child) {
    return new ServerBootstrap().group(parent, child).channel(Transport.selected().serverChannel())
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        .option(ChannelOption.AUTO_READ, false)
        // TCP_NODELAY: Netty's epoll and NIO channels set it on every socket already (some clients wait
        // only milliseconds for a notification or a reply); setting it again would be a syscall per login.
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childHandler(initializer);
  }

  private InetSocketAddress bound(Channel channel) {
    synchronized (channels) {
      channels.add(channel);
    }
    return (InetSocketAddress) channel.localAddress();
  }

  /** Accepts the connections that came since {@link #bind} and every one after. */
  void accept() {
    boundChannels().forEach(channel -> channel.config().setAutoRead(true));
  }

  /** Stops accepting and returns once the port is closed; sessions already open go on. */
  void close() {
    boundChannels().forEach(channel -> channel.close().syncUninterruptibly());
  }

  private List<Channel> boundChannels() {
    synchronized (channels) {
      return List.copyOf(channels);
    }
  }
}
