package org.postgresml.testing.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP relay on loopback between a proxy and its upstream that a test breaks on purpose: it drops
 * every open connection, cuts one after a number of bytes, stalls them (sockets open, nothing moves;
 * all, or only those open now),
 * refuses new connections (nothing listens) or black-holes them (TCP accepted, never answered).
 * Each control method has taken effect when it returns. One thread carries every connection, so
 * the faults need no locks: all state lives on that event loop.
 */
public final class FaultRelay implements AutoCloseable {

  /** What a newly accepted connection gets. */
  private enum Arrival { RELAYED, STALLED, BLACK_HOLED }

  private static final long CONTROL_TIMEOUT_SECONDS = 10;

  private final EventLoopGroup group;
  private final EventLoop loop;
  private final InetSocketAddress upstream;
  private final int port;
  private Channel listener;
  private Arrival arrival = Arrival.RELAYED;
  /** Bytes each new connection may carry from the server before it is cut; negative: no limit. */
  private long cutServerBytes = -1;
  private long cutClientBytes = -1;
  private final Set<Link> links = new LinkedHashSet<>();
  private final Set<Channel> blackHoled = new LinkedHashSet<>();
  private long accepted;

  private FaultRelay(EventLoopGroup group, InetSocketAddress upstream, Channel listener) {
    this.group = group;
    this.loop = listener.eventLoop();
    this.upstream = upstream;
    this.listener = listener;
    this.port = ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /** Starts a relay on a free loopback port that passes everything to {@code upstreamHost:upstreamPort}. */
  public static FaultRelay start(String upstreamHost, int upstreamPort) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    FaultRelay[] relay = new FaultRelay[1];
    try {
      Channel listener = bind(group, 0, () -> relay[0]);
      relay[0] = new FaultRelay(group, new InetSocketAddress(upstreamHost, upstreamPort), listener);
      return relay[0];
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private interface RelayRef {
    FaultRelay get();
  }

  private static Channel bind(EventLoopGroup group, int port, RelayRef relay) {
    try {
      return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
          .childOption(ChannelOption.AUTO_READ, false)
          .childOption(ChannelOption.TCP_NODELAY, true)
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel client) {
              relay.get().arrived(client);
            }
          })
          .bind("127.0.0.1", port).sync().channel();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while binding the fault relay", e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  /** The relay's port; it stays the same across {@link #refuse()} and {@link #pass()}. */
  public int port() {
    return port;
  }

  /**
   * Back to normal: listens again, new connections are relayed, stalled ones move again, no cut is
   * pending. Connections dropped, cut or black-holed before stay as they are.
   */
  public void pass() {
    boolean refused = control(() -> {
      arrival = Arrival.RELAYED;
      cutServerBytes = -1;
      cutClientBytes = -1;
      for (Link link : links) {
        link.fromServer.budget = -1;
        link.fromClient.budget = -1;
        link.resume();
      }
      return listener == null;
    });
    if (refused) {
      // Bound from the caller's thread: a bind waits, and the loop must not wait on itself.
      Channel bound = bind(group, port, () -> this);
      control(() -> listener = bound);
    }
  }

  /** Closes both sides of every open connection at once (a crashed host, a dropped NAT entry). */
  public void drop() {
    control(() -> {
      new ArrayList<>(links).forEach(Link::close);
      new ArrayList<>(blackHoled).forEach(Channel::close);
      return null;
    });
  }

  /**
   * Every open connection, and each new one, forwards at most {@code bytes} more from the server and
   * is then closed on both sides (a backend killed mid-reply). 0 cuts at the server's next byte.
   */
  public void cutAfterServerBytes(long bytes) {
    control(() -> {
      cutServerBytes = bytes;
      links.forEach(link -> link.fromServer.budget = bytes);
      return null;
    });
  }

  /** As {@link #cutAfterServerBytes(long)}, counting what the client sends (a COPY FROM STDIN cut short). */
  public void cutAfterClientBytes(long bytes) {
    control(() -> {
      cutClientBytes = bytes;
      links.forEach(link -> link.fromClient.budget = bytes);
      return null;
    });
  }

  /**
   * Stops forwarding on every open connection and on each new one (they still connect upstream): the
   * sockets stay open and nothing more moves until {@link #pass()} (a hung server, a saturated link).
   */
  public void stall() {
    control(() -> {
      arrival = Arrival.STALLED;
      links.forEach(Link::stall);
      return null;
    });
  }

  /**
   * Stops forwarding on the connections open now only; new ones are relayed as before (a NAT or load
   * balancer that silently forgot its idle flows: old sockets look open and are dead).
   */
  public void stallOpen() {
    control(() -> {
      links.forEach(Link::stall);
      return null;
    });
  }

  /** Stops listening: new connections are refused by the kernel (a host up, its server down). */
  public void refuse() {
    control(() -> {
      if (listener != null) {
        listener.close();
        listener = null;
      }
      return null;
    });
    awaitRefused();
  }

  /**
   * The JDK closes a selector-registered server socket only when its selector next drops the key, a
   * moment after {@code close()} returns, and the kernel accepts into the backlog until then: wait,
   * bounded, until a connect is really refused, so a test's next connect sees what it asked for.
   */
  private void awaitRefused() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      } catch (ConnectException refused) {
        return;
      } catch (IOException other) {
        // a timeout under load: try again until the deadline
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    throw new IllegalStateException("port " + port + " still accepts 10 s after the relay stopped listening");
  }

  /**
   * New connections complete their TCP handshake and then hear nothing, ever; what they send is not
   * read (a firewall that drops, a server frozen before it answers). Open connections are untouched.
   */
  public void blackHole() {
    control(() -> {
      arrival = Arrival.BLACK_HOLED;
      return null;
    });
  }

  /** Connections relayed now (open on both sides). */
  public int openLinks() {
    return control(links::size);
  }

  /** Connections accepted since the start, whatever became of them. */
  public long accepted() {
    return control(() -> accepted);
  }

  @Override
  public void close() {
    try {
      drop();
      refuse();
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private <T> T control(Callable<T> action) {
    try {
      return loop.submit(action).get(CONTROL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while controlling the fault relay", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("fault relay control failed: " + e, e);
    }
  }

  // On the loop: a connection from the proxy was accepted.
  private void arrived(Channel client) {
    accepted++;
    if (arrival == Arrival.BLACK_HOLED) {
      blackHoled.add(client);
      client.closeFuture().addListener(closed -> blackHoled.remove(client));
      return; // auto-read is off: nothing is read, nothing is ever written
    }
    boolean stalled = arrival == Arrival.STALLED;
    Link link = new Link(client, stalled, cutServerBytes, cutClientBytes);
    links.add(link);
    client.closeFuture().addListener(closed -> link.close());
    new Bootstrap().group(loop).channel(NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.AUTO_READ, false)
        .handler(link.fromServer)
        .connect(upstream)
        .addListener((ChannelFutureListener) connected -> {
          if (!connected.isSuccess()) {
            link.close();
            return;
          }
          link.connected(connected.channel());
        });
  }

  /** One relayed connection: the proxy's socket, the upstream's, and a forwarder each way. */
  private final class Link {
    final Channel client;
    Channel server;
    final Forwarder fromServer;
    final Forwarder fromClient;
    boolean stalled;
    boolean closed;

    Link(Channel client, boolean stalled, long serverBudget, long clientBudget) {
      this.client = client;
      this.stalled = stalled;
      this.fromServer = new Forwarder(this, serverBudget);
      this.fromClient = new Forwarder(this, clientBudget);
    }

    void connected(Channel upstreamChannel) {
      server = upstreamChannel;
      if (closed || !client.isActive()) {
        close();
        return;
      }
      upstreamChannel.closeFuture().addListener(done -> close());
      client.pipeline().addLast(fromClient);
      if (!stalled) {
        resume();
      }
    }

    Channel peerOf(Channel source) {
      return source == client ? server : client;
    }

    void stall() {
      stalled = true;
      client.config().setAutoRead(false);
      if (server != null) {
        server.config().setAutoRead(false);
      }
    }

    void resume() {
      stalled = false;
      if (server == null || closed) {
        return; // the upstream side is still connecting; it starts reading when it is there
      }
      client.config().setAutoRead(client.isActive() && server.isWritable());
      server.config().setAutoRead(server.isActive() && client.isWritable());
    }

    void close() {
      if (closed) {
        return;
      }
      closed = true;
      links.remove(this);
      client.close();
      if (server != null) {
        server.close();
      }
    }
  }

  /** Forwards what one side of a link reads to the other, up to a byte budget, with backpressure. */
  private static final class Forwarder extends ChannelInboundHandlerAdapter {
    private final Link link;
    /** Bytes still allowed through before the link is cut; negative: no limit. */
    long budget;

    Forwarder(Link link, long budget) {
      this.link = link;
      this.budget = budget;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf data = (ByteBuf) msg;
      Channel peer = link.peerOf(ctx.channel());
      if (link.closed || peer == null || !peer.isActive()) {
        data.release();
        link.close();
        return;
      }
      if (budget >= 0 && data.readableBytes() >= budget) {
        // The cut: what fits the budget goes out, then both sides close together.
        ByteBuf last = data.readRetainedSlice((int) budget);
        data.release();
        budget = 0;
        ctx.channel().config().setAutoRead(false);
        peer.writeAndFlush(last).addListener(written -> link.close());
        return;
      }
      if (budget > 0) {
        budget -= data.readableBytes();
      }
      peer.writeAndFlush(data);
      if (!peer.isWritable()) {
        ctx.channel().config().setAutoRead(false);
      }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // This side drained what the other sent: let the other read again (unless stalled or cut).
      Channel peer = link.peerOf(ctx.channel());
      if (peer != null && !link.stalled && !link.closed && ctx.channel().isWritable()) {
        peer.config().setAutoRead(true);
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      link.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      link.close();
    }
  }
}
