package org.postgresml.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.net.Transport;

/** The client port: which thread accepts a client, and the options its socket gets. */
class ClientListenerTest {

  private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, Transport.selected().ioHandlers());
  private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, Transport.selected().ioHandlers());
  private final List<Accepted> accepted = new CopyOnWriteArrayList<>();
  private final ClientListener listener = new ClientListener(acceptor, workers, new ChannelInitializer<SocketChannel>() {
    @Override
    protected void initChannel(SocketChannel channel) {
      accepted.add(new Accepted(channel.parent().eventLoop() == channel.eventLoop(),
          channel.eventLoop().toString(), channel.config().getOption(ChannelOption.TCP_NODELAY),
          channel.config().getOption(ChannelOption.SO_KEEPALIVE)));
    }
  });

  record Accepted(boolean acceptedOnItsLoop, String loop, boolean noDelay, boolean keepAlive) {}

  @AfterEach
  void stop() {
    listener.close();
    acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void everyClientSocketHasNoDelayAndKeepAlive() throws Exception {
    InetSocketAddress address = bindAndAccept();
    connect(address, 8);
    assertThat(accepted).hasSize(8).allSatisfy(client -> {
      assertThat(client.noDelay()).as("TCP_NODELAY").isTrue();
      assertThat(client.keepAlive()).as("SO_KEEPALIVE").isTrue();
    });
  }

  @Test
  void withEpollEachLoopAcceptsTheClientsItServesAndAllLoopsGetSome() throws Exception {
    InetSocketAddress address = bindAndAccept();
    connect(address, 64);
    if (!Transport.selected().reusesPort()) {
      assertThat(accepted).noneMatch(Accepted::acceptedOnItsLoop); // the acceptor hands every client on
      return;
    }
    // No hand-off from an acceptor thread: the loop that accepted a client is the one that serves it.
    assertThat(accepted).hasSize(64).allMatch(Accepted::acceptedOnItsLoop);
    Set<String> loops = ConcurrentHashMap.newKeySet();
    accepted.forEach(client -> loops.add(client.loop()));
    assertThat(loops).as("the kernel spreads 64 connections over both loops' sockets").hasSize(2);
  }

  @Test
  void aBoundListenerAcceptsOnlyOnceToldAndTheClientsThatCameMeanwhileWaitForIt() throws Exception {
    InetSocketAddress address = listener.bind("127.0.0.1", 0);
    try (Socket early = new Socket()) {
      early.connect(address, 5000); // the kernel completes the handshake and queues it in the backlog
      await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(accepted::isEmpty);
      listener.accept();
      await().atMost(Duration.ofSeconds(10)).until(() -> accepted.size() == 1);
    }
  }

  @Test
  void closeStopsAcceptingOnEverySocket() throws Exception {
    InetSocketAddress address = bindAndAccept();
    listener.close();
    for (int i = 0; i < 8; i++) {
      try (Socket socket = new Socket()) {
        assertThat(connectFails(socket, address)).as("connection %d after close", i).isTrue();
      }
    }
  }

  @Test
  void aPortAnotherListenerHoldsStopsTheStartEvenWhenBothCouldShareIt() throws Exception {
    InetSocketAddress address = bindAndAccept();
    // Another proxy (same user, same SO_REUSEPORT group rules) asking for the port this one holds.
    ClientListener second = new ClientListener(acceptor, workers, new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        channel.close();
      }
    });
    try {
      assertThatThrownBy(() -> second.bind("127.0.0.1", address.getPort()))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessage("port " + address.getPort() + " on 127.0.0.1 is in use: another process listens on it");
    } finally {
      second.close();
    }
    connect(address, 8); // the first one still takes every client
    assertThat(accepted).hasSize(8);
  }

  @Test
  void theSamePortCanBeBoundAgainOnceItsListenerClosed() throws Exception {
    InetSocketAddress address = bindAndAccept();
    connect(address, 2);
    listener.close();
    ClientListener again = new ClientListener(acceptor, workers, new ChannelInitializer<SocketChannel>() {
      @Override
      protected void initChannel(SocketChannel channel) {
        channel.close();
      }
    });
    try {
      assertThat(again.bind("127.0.0.1", address.getPort()).getPort()).isEqualTo(address.getPort());
    } finally {
      again.close();
    }
  }

  private InetSocketAddress bindAndAccept() throws InterruptedException {
    InetSocketAddress address = listener.bind("127.0.0.1", 0);
    listener.accept();
    return address;
  }

  private static boolean connectFails(Socket socket, InetSocketAddress address) {
    try {
      socket.connect(address, 5000);
      return false;
    } catch (java.io.IOException refused) {
      return true;
    }
  }

  private void connect(InetSocketAddress address, int count) throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        Socket socket = new Socket();
        socket.connect(address, 5000);
        sockets.add(socket);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> accepted.size() == count);
    } finally {
      for (Socket socket : sockets) {
        socket.close();
      }
    }
  }
}
