package org.postgresml.proxy.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP load balancer on loopback, as a Kubernetes Service or an AWS NLB is to the proxies: each new
 * connection goes to the next backend in turn, bytes are relayed untouched, so a client's cancel
 * connection usually lands on another replica than its session. Backends may be added and removed
 * while it runs (an endpoint update); connections already relayed stay where they are, as conntrack
 * keeps them. A backend that refuses the connection fails that client, as a stale endpoint does.
 */
final class RoundRobinBalancer implements AutoCloseable {

  private final ServerSocket listener;
  private final List<InetSocketAddress> backends;
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger next = new AtomicInteger();
  private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
    Thread thread = new Thread(runnable, "balancer");
    thread.setDaemon(true);
    return thread;
  });

  RoundRobinBalancer(List<InetSocketAddress> backends) throws IOException {
    this.backends = new java.util.concurrent.CopyOnWriteArrayList<>(backends);
    this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  int port() {
    return listener.getLocalPort();
  }

  /** New connections may go to this backend from now on. */
  void add(InetSocketAddress backend) {
    backends.add(backend);
  }

  /** No new connection goes to this backend any more. */
  void remove(InetSocketAddress backend) {
    backends.remove(backend);
  }

  List<InetSocketAddress> backends() {
    return List.copyOf(backends);
  }

  /** Connections a backend refused (or none was there to take), each a client that got nothing. */
  int refused() {
    return refused.get();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        List<InetSocketAddress> now = List.copyOf(backends);
        if (now.isEmpty()) {
          refused.incrementAndGet();
          closeQuietly(client);
          continue;
        }
        InetSocketAddress backend = now.get(Math.floorMod(next.getAndIncrement(), now.size()));
        threads.execute(() -> relay(client, backend));
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void relay(Socket client, InetSocketAddress backend) {
    Socket server = new Socket();
    try {
      client.setTcpNoDelay(true);
      server.setTcpNoDelay(true);
      server.connect(backend, 2000);
    } catch (IOException e) {
      refused.incrementAndGet();
      closeQuietly(client, server);
      return;
    }
    AtomicInteger open = new AtomicInteger(2);
    threads.execute(() -> pump(client, server, open));
    pump(server, client, open);
  }

  /** Copies one direction; its end half-closes the other side, the second end closes both. */
  private static void pump(Socket from, Socket to, AtomicInteger open) {
    try {
      // not try-with-resources: closing a socket's stream closes the socket, and the other direction
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buffer = new byte[16384];
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        out.write(buffer, 0, read);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(from, to);
    } finally {
      if (open.decrementAndGet() == 0) {
        closeQuietly(from, to);
      }
    }
  }

  private static void closeQuietly(Socket... sockets) {
    for (Socket socket : sockets) {
      try {
        socket.close();
      } catch (IOException e) {
        // already gone
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    threads.shutdownNow();
  }
}
