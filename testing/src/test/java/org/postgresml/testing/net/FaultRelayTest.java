package org.postgresml.testing.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The fault relay against a plain socket server that greets each connection with a fixed number of
 * bytes and then echoes: each fault is seen from both ends (what the client reads, what the server saw).
 */
@ExtendWith(NettyLeakCheck.class)
class FaultRelayTest {

  private static final int GREETING = 10_000;
  /** How long "nothing arrives" is watched for; absence cannot be awaited, only observed for a while. */
  private static final int QUIET_MILLIS = 300;

  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final AtomicInteger serverAccepted = new AtomicInteger();
  private final AtomicInteger serverSawEnd = new AtomicInteger();
  /** What the server read, all connections together. */
  private final StringBuffer received = new StringBuffer();
  private ServerSocket server;
  private FaultRelay relay;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(() -> {
      while (!server.isClosed()) {
        Socket socket = server.accept();
        serverAccepted.incrementAndGet();
        threads.submit(() -> greetThenEcho(socket));
      }
      return null;
    });
    relay = FaultRelay.start("127.0.0.1", server.getLocalPort());
  }

  private Void greetThenEcho(Socket socket) {
    try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
      out.write(new byte[GREETING]);
      out.flush();
      byte[] chunk = new byte[8192];
      for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
        received.append(new String(chunk, 0, n, StandardCharsets.US_ASCII));
        out.write(chunk, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a reset is an end too
    }
    serverSawEnd.incrementAndGet();
    return null;
  }

  @AfterEach
  void stop() throws IOException {
    relay.close();
    server.close();
    threads.shutdownNow();
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket("127.0.0.1", relay.port());
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static void readGreeting(Socket socket) throws IOException {
    assertThat(socket.getInputStream().readNBytes(GREETING)).hasSize(GREETING);
  }

  private static String echo(Socket socket, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
    socket.getOutputStream().write(bytes);
    return new String(socket.getInputStream().readNBytes(bytes.length), StandardCharsets.US_ASCII);
  }

  @Test
  void passRelaysBothWays() throws IOException {
    try (Socket client = connect()) {
      readGreeting(client);
      assertThat(echo(client, "hello")).isEqualTo("hello");
      assertThat(relay.openLinks()).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> relay.openLinks() == 0);
  }

  @Test
  void dropClosesBothSidesAtOnce() throws IOException {
    try (Socket client = connect()) {
      readGreeting(client);
      relay.drop();
      assertThat(client.getInputStream().read()).as("the client reads the end").isEqualTo(-1);
      await().atMost(Duration.ofSeconds(10)).until(() -> serverSawEnd.get() == 1);
    }
    try (Socket next = connect()) {
      readGreeting(next); // a drop is a moment, not a mode
    }
  }

  @Test
  void cutAfterServerBytesForwardsExactlyThatManyThenCloses() throws IOException {
    relay.cutAfterServerBytes(1234);
    try (Socket client = connect()) {
      assertThat(client.getInputStream().readAllBytes()).hasSize(1234);
      await().atMost(Duration.ofSeconds(10)).until(() -> serverSawEnd.get() == 1);
    }
  }

  @Test
  void cutOfAnOpenConnectionCountsFromNow() throws IOException {
    try (Socket client = connect()) {
      readGreeting(client);
      relay.cutAfterServerBytes(3);
      client.getOutputStream().write("abcdef".getBytes(StandardCharsets.US_ASCII));
      assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("abc");
    }
  }

  @Test
  void cutAfterClientBytesPassesOnlyThatManyToTheServer() throws IOException {
    try (Socket client = connect()) {
      readGreeting(client);
      relay.cutAfterClientBytes(4);
      client.getOutputStream().write("abcdefgh".getBytes(StandardCharsets.US_ASCII));
      // The echo of the first bytes may or may not make it back before the cut; the end comes either way.
      String echoed = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
      assertThat("abcd").startsWith(echoed);
      await().atMost(Duration.ofSeconds(10)).until(() -> serverSawEnd.get() == 1);
      assertThat(received.toString()).isEqualTo("abcd");
    }
  }

  @Test
  void stallKeepsTheSocketButMovesNothingUntilPass() throws IOException {
    try (Socket client = connect()) {
      readGreeting(client);
      relay.stall();
      client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
      client.setSoTimeout(QUIET_MILLIS);
      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      assertThat(relay.openLinks()).isEqualTo(1);
      relay.pass();
      client.setSoTimeout(10_000);
      assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");
    }
  }

  @Test
  void stallAlsoHoldsNewConnections() throws IOException {
    relay.stall();
    try (Socket client = connect()) {
      client.setSoTimeout(QUIET_MILLIS);
      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      relay.pass();
      client.setSoTimeout(10_000);
      readGreeting(client);
    }
  }

  @Test
  void stallOpenFreezesOnlyTheConnectionsOpenNow() throws IOException {
    try (Socket old = connect()) {
      readGreeting(old);
      relay.stallOpen();
      try (Socket fresh = connect()) {
        readGreeting(fresh);
        assertThat(echo(fresh, "new")).isEqualTo("new");
      }
      old.getOutputStream().write("lost".getBytes(StandardCharsets.US_ASCII));
      old.setSoTimeout(QUIET_MILLIS);
      assertThatThrownBy(() -> old.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
    }
  }

  @Test
  void refuseMakesConnectsFailOnTheSamePortUntilPass() throws IOException {
    try (Socket open = connect()) {
      readGreeting(open);
      relay.refuse();
      assertThatThrownBy(this::connect).isInstanceOf(ConnectException.class);
      assertThat(echo(open, "still")).as("open connections stay").isEqualTo("still");
      relay.pass();
      try (Socket again = connect()) {
        readGreeting(again);
      }
    }
  }

  @Test
  void blackHoleAcceptsButNeverAnswersNorReachesTheServer() throws IOException {
    relay.blackHole();
    try (Socket client = connect()) {
      client.getOutputStream().write("anyone?".getBytes(StandardCharsets.US_ASCII));
      client.setSoTimeout(QUIET_MILLIS);
      assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      assertThat(serverAccepted.get()).isZero();
      assertThat(relay.accepted()).isEqualTo(1);
      relay.pass();
      try (Socket next = connect()) {
        readGreeting(next);
      }
      relay.drop();
      client.setSoTimeout(10_000);
      assertThat(client.getInputStream().read()).as("a drop ends black-holed connections too").isEqualTo(-1);
    }
  }
}
