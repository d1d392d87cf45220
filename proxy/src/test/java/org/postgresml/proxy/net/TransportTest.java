package org.postgresml.proxy.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TransportTest {

  private static final BooleanSupplier LOADS = () -> true;
  private static final BooleanSupplier MISSING = () -> false;
  private static final BooleanSupplier NEVER_ASKED = () -> {
    throw new AssertionError("io_uring was probed although nobody asked for it");
  };

  @Test
  void epollWhereItLoads() {
    Transport transport = Transport.choose("", LOADS, NEVER_ASKED);
    assertThat(transport.name()).isEqualTo("epoll");
    assertThat(transport.socketChannel()).isEqualTo(EpollSocketChannel.class);
  }

  @Test
  void nioWhenAskedFor() {
    Transport transport = Transport.choose(" NIO ", LOADS, NEVER_ASKED);
    assertThat(transport.name()).isEqualTo("nio");
    assertThat(transport.serverChannel()).isEqualTo(NioServerSocketChannel.class);
  }

  @Test
  void nioWhereEpollDoesNotLoad() {
    assertThat(Transport.choose("epoll", MISSING, NEVER_ASKED).socketChannel()).isEqualTo(NioSocketChannel.class);
  }

  @Test
  void ioUringWhenAskedForAndTheKernelAllowsIt() {
    Transport transport = Transport.choose("io_uring", MISSING, LOADS);
    assertThat(transport.name()).isEqualTo("io_uring");
    assertThat(transport.socketChannel()).isEqualTo(IoUringSocketChannel.class);
    assertThat(transport.serverChannel()).isEqualTo(IoUringServerSocketChannel.class);
    assertThat(Transport.choose(" IO-URING ", MISSING, LOADS).name()).isEqualTo("io_uring");
  }

  @Test
  void ioUringFallsBackToEpollThenNioWhereItDoesNotLoad() {
    // A kernel without io_uring, or a seccomp profile (Docker's default before 25.0) that forbids it.
    assertThat(Transport.choose("io_uring", LOADS, MISSING).name()).isEqualTo("epoll");
    assertThat(Transport.choose("io_uring", MISSING, MISSING).name()).isEqualTo("nio");
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
