package org.postgresml.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import org.postgresml.proxy.net.Transport;

/**
 * The PostgreSQL port: a server bootstrap that accepts on one loop and serves each client on a
 * worker loop, with the socket options every client connection gets.
 */
final class ClientListener {

  /** Pending connections the kernel queues while the acceptor is busy. */
  private static final int BACKLOG = 1024;
  /** Bounded buffering per direction: past 1 MB pending, the other side stops reading. */
  private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final ChannelHandler initializer;
  private volatile Channel channel;

  ClientListener(EventLoopGroup acceptor, EventLoopGroup workers, ChannelHandler initializer) {
    this.acceptor = acceptor;
    this.workers = workers;
    this.initializer = initializer;
  }

  /** Binds; returns the bound address once clients can connect. */
  InetSocketAddress bind(String host, int port) throws InterruptedException {
    channel = new ServerBootstrap().group(acceptor, workers).channel(Transport.selected().serverChannel())
        .option(ChannelOption.SO_BACKLOG, BACKLOG)
        // Some clients wait only milliseconds for a notification or a reply.
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
        .childHandler(initializer)
        .bind(host, port).sync().channel();
    return (InetSocketAddress) channel.localAddress();
  }

  /** Stops accepting and returns once the port is closed; sessions already open go on. */
  void close() {
    Channel bound = channel;
    if (bound != null) {
      bound.close().syncUninterruptibly();
    }
  }
}
