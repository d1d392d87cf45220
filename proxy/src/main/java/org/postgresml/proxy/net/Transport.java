package org.postgresml.proxy.net;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * The socket transport every event loop and channel of the proxy uses, chosen once per process by
 * {@code -Dpgml.proxy.transport}: {@code epoll} (the default: native, no copy into NIO's buffers, no
 * selector bookkeeping, half NIO's CPU time per relayed frame), {@code io_uring} (where the kernel
 * allows it; the jar carries its native file for x86_64 only), or {@code nio}. A transport that does
 * not load here falls back to the next one, io_uring to epoll to NIO, so a container whose seccomp
 * profile forbids io_uring still starts.
 *
 * @param name what the startup log line says
 */
public record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  /** The system property that asks for a transport: {@code epoll}, {@code io_uring} or {@code nio}. */
  public static final String PROPERTY = "pgml.proxy.transport";

  /** The system property that sets how many event loops carry the sessions. */
  public static final String IO_THREADS_PROPERTY = "pgml.proxy.ioThreads";

  private static final Transport SELECTED = choose(System.getProperty(PROPERTY, ""), Epoll::isAvailable,
      IoUring::isAvailable);

  /** The transport of this process, chosen once. */
  public static Transport selected() {
    return SELECTED;
  }

  /**
   * One event loop per core unless the property says otherwise: a client and its server connection
   * share a loop (pool affinity), so more loops than cores would only add hand-offs.
   */
  public static int ioThreads() {
    return Integer.getInteger(IO_THREADS_PROPERTY, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Whether every event loop may listen on the client port itself (SO_REUSEPORT), so that a client
   * is accepted on the loop that serves it: epoll only (io_uring and NIO keep one acceptor loop).
   */
  public boolean reusesPort() {
    return serverChannel == EpollServerSocketChannel.class;
  }

  /** The transport asked for, or the best one that loads here when it does not (or none was asked for). */
  static Transport choose(String asked, BooleanSupplier epollAvailable, BooleanSupplier ioUringAvailable) {
    String wanted = asked.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    if (wanted.equals("nio")) {
      return nio();
    }
    // Only probed when asked for: loading the io_uring library costs startup time and a ring.
    if ((wanted.equals("io_uring") || wanted.equals("iouring")) && ioUringAvailable.getAsBoolean()) {
      return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
          IoUringSocketChannel.class);
    }
    if (epollAvailable.getAsBoolean()) {
      return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
          EpollSocketChannel.class);
    }
    return nio();
  }

  private static Transport nio() {
    return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
  }
}
