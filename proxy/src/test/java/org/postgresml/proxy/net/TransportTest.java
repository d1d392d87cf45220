package org.postgresml.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

class TransportTest {

  @Test
  void epollWhereItLoads() {
    Transport transport = Transport.choose("", true);
    assertThat(transport.name()).isEqualTo("epoll");
    assertThat(transport.socketChannel()).isEqualTo(EpollSocketChannel.class);
  }

  @Test
  void nioWhenAskedFor() {
    Transport transport = Transport.choose(" NIO ", true);
    assertThat(transport.name()).isEqualTo("nio");
    assertThat(transport.serverChannel()).isEqualTo(NioServerSocketChannel.class);
  }

  @Test
  void nioWhereEpollDoesNotLoad() {
    assertThat(Transport.choose("epoll", false).socketChannel()).isEqualTo(NioSocketChannel.class);
  }

  @Test
  void thisLinuxMachineRunsTheProxyOnEpoll() {
    // The jar ships the native library for x86_64 and aarch64; on Linux it must load.
    if (System.getProperty("os.name").toLowerCase().contains("linux")) {
      assertThat(Epoll.isAvailable()).as(String.valueOf(Epoll.unavailabilityCause())).isTrue();
      assertThat(Transport.selected().name()).isEqualTo("epoll");
    }
  }
}
