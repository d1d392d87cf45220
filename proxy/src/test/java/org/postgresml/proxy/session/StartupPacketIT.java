package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Startup packets, good and bad, sent byte for byte to a real PostgreSQL and to the proxy in front
 * of it: each must get the same answer from both (nothing and a close, a one-byte encryption answer,
 * an ErrorResponse with the same SQLSTATE and message, a NegotiateProtocolVersion, the
 * authentication request).
 */
@ExtendWith(NettyLeakCheck.class)
class StartupPacketIT {

  private static final int V3 = 3 << 16;
  private static final int SSL_REQUEST = 80877103;
  private static final int GSSENC_REQUEST = 80877104;
  private static final int CANCEL_REQUEST = 80877102;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().withProxy(ProxyOptions.defaults());

  /** What a client does: send bytes, read the one-byte answer to an encryption request, or end its output. */
  private sealed interface Step permits Send, ReadByte, EndOutput {}

  private record Send(byte[] bytes) implements Step {}

  private record ReadByte() implements Step {}

  private record EndOutput() implements Step {}

  static Stream<Arguments> packets() {
    byte[] login = packet(V3, "user", UpstreamDatabase.USER, "database", UpstreamDatabase.DATABASE);
    return Stream.of(
        // Closed without a reply, as PostgreSQL does:
        Arguments.of("Terminate before the StartupMessage", steps(send(0x58, 0, 0, 0, 4))),
        Arguments.of("an HTTP request", steps(new Send("GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII)))),
        Arguments.of("a TLS ClientHello without SSLRequest", steps(send(0x16, 3, 1, 2, 0, 1, 0, 1, 0xfc, 3, 3))),
        Arguments.of("a length over 10004", steps(new Send(ByteBuffer.allocate(8).putInt(10005).putInt(V3).array()))),
        Arguments.of("a negative length", steps(new Send(ByteBuffer.allocate(8).putInt(0x80000000).putInt(0).array()))),
        Arguments.of("a length of 7", steps(new Send(ByteBuffer.allocate(8).putInt(7).putInt(V3).array()))),
        Arguments.of("half a startup, then EOF", steps(new Send(Arrays.copyOf(login, login.length / 2)),
            new EndOutput())),
        Arguments.of("three bytes, then EOF", steps(send(0, 0, 0), new EndOutput())),
        Arguments.of("nothing, then EOF", steps(new EndOutput())),
        Arguments.of("a CancelRequest of the wrong length",
            steps(new Send(ByteBuffer.allocate(12).putInt(12).putInt(CANCEL_REQUEST).putInt(1).array()))),
        Arguments.of("a CancelRequest with an unknown key",
            steps(new Send(ByteBuffer.allocate(16).putInt(16).putInt(CANCEL_REQUEST).putInt(1).putInt(2).array()))),
        // An ErrorResponse, as PostgreSQL sends one:
        Arguments.of("protocol 2.0", steps(new Send(packet(2 << 16, "user", UpstreamDatabase.USER)))),
        Arguments.of("protocol 4.0", steps(new Send(packet(4 << 16, "user", UpstreamDatabase.USER)))),
        Arguments.of("no final NUL", steps(new Send(withLength(body(V3, "user", UpstreamDatabase.USER, "database",
            UpstreamDatabase.DATABASE))))),
        Arguments.of("a name without its value", steps(new Send(withLength(body(V3, "user", UpstreamDatabase.USER,
            "database"))))),
        Arguments.of("the version alone", steps(new Send(ByteBuffer.allocate(8).putInt(8).putInt(V3).array()))),
        Arguments.of("bytes after the terminator", steps(new Send(withLength(concat(body(V3, "user",
            UpstreamDatabase.USER), new byte[] {0, 'x', 0}))))),
        Arguments.of("no user", steps(new Send(packet(V3, "database", UpstreamDatabase.DATABASE)))),
        Arguments.of("an empty user", steps(new Send(packet(V3, "user", "", "database", UpstreamDatabase.DATABASE)))),
        Arguments.of("a bad replication value", steps(new Send(packet(V3, "user", UpstreamDatabase.USER,
            "replication", "maybe")))),
        Arguments.of("a second SSLRequest", steps(new Send(sslRequest()), new ReadByte(), new Send(sslRequest()))),
        Arguments.of("a second GSSENCRequest", steps(new Send(gssRequest()), new ReadByte(), new Send(gssRequest()))),
        Arguments.of("SSLRequest with the startup sent blind behind it", steps(new Send(concat(sslRequest(), login)),
            new ReadByte())),
        // Logins that go on to authentication:
        Arguments.of("a login", steps(new Send(login))),
        Arguments.of("GSSENCRequest, SSLRequest, then a login", steps(new Send(gssRequest()), new ReadByte(),
            new Send(sslRequest()), new ReadByte(), new Send(login))),
        Arguments.of("protocol 3.1", steps(new Send(packet(V3 | 1, "user", UpstreamDatabase.USER, "database",
            UpstreamDatabase.DATABASE)))),
        Arguments.of("an unknown _pq_ option", steps(new Send(packet(V3, "user", UpstreamDatabase.USER, "database",
            UpstreamDatabase.DATABASE, "_pq_.not_a_real_option", "1")))),
        Arguments.of("an empty database (the user's name is taken)", steps(new Send(packet(V3, "user",
            UpstreamDatabase.USER, "database", "")))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("packets")
  void theProxyAnswersAsPostgresqlDoes(String what, List<Step> steps) throws IOException {
    List<String> direct = outcome(upstream.cluster().port(), steps);
    List<String> proxied = outcome(upstream.proxy().port(), steps);
    assertThat(proxied).as("%s: PostgreSQL answers %s", what, direct).isEqualTo(direct);
  }

  /** What comes back: one-byte answers, then typed messages until EOF or the authentication request. */
  private static List<String> outcome(int port, List<Step> steps) throws IOException {
    List<String> seen = new ArrayList<>();
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5_000);
      DataInputStream in = new DataInputStream(socket.getInputStream());
      for (Step step : steps) {
        if (step instanceof Send send) {
          socket.getOutputStream().write(send.bytes());
          socket.getOutputStream().flush();
        } else if (step instanceof ReadByte) {
          seen.add(String.valueOf((char) in.readByte()));
        } else {
          socket.shutdownOutput();
        }
      }
      readMessages(in, seen);
    }
    return seen;
  }

  private static void readMessages(DataInputStream in, List<String> seen) throws IOException {
    try {
      while (true) {
        int type = in.read();
        if (type < 0) {
          seen.add("EOF");
          return;
        }
        int length = in.readInt();
        if (type == 'E' && (length < 4 || length > 30000)) {
          // Protocol 2.0's error: the text up to a NUL, no length (the "length" read was its first bytes).
          ByteArrayOutputStream text = new ByteArrayOutputStream();
          text.writeBytes(ByteBuffer.allocate(4).putInt(length).array());
          for (int b = in.read(); b > 0; b = in.read()) {
            text.write(b);
          }
          seen.add("E (protocol 2) " + text.toString(StandardCharsets.UTF_8).trim());
          continue;
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        switch (type) {
          case 'E' -> {
            Map<Character, String> fields = StartupClient.fields(body);
            seen.add("E " + fields.get('S') + " " + fields.get('C') + " " + fields.get('M'));
          }
          case 'v' -> {
            ByteBuffer buffer = ByteBuffer.wrap(body);
            int version = buffer.getInt();
            seen.add("v " + (version >>> 16) + "." + (version & 0xffff) + " "
                + new String(body, 8, body.length - 8, StandardCharsets.UTF_8).replace('\0', ' ').trim());
          }
          case 'R' -> {
            seen.add("R");
            return; // the login goes on: authentication is compared elsewhere
          }
          default -> seen.add(String.valueOf((char) type));
        }
      }
    } catch (SocketTimeoutException e) {
      seen.add("no answer in 5 s");
    } catch (EOFException | SocketException e) {
      seen.add("EOF");
    }
  }

  private static List<Step> steps(Step... steps) {
    return List.of(steps);
  }

  private static Send send(int... bytes) {
    byte[] out = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      out[i] = (byte) bytes[i];
    }
    return new Send(out);
  }

  private static byte[] sslRequest() {
    return ByteBuffer.allocate(8).putInt(8).putInt(SSL_REQUEST).array();
  }

  private static byte[] gssRequest() {
    return ByteBuffer.allocate(8).putInt(8).putInt(GSSENC_REQUEST).array();
  }

  /** A startup packet: version, name/value pairs, the terminating NUL. */
  private static byte[] packet(int version, String... pairs) {
    return withLength(concat(body(version, pairs), new byte[] {0}));
  }

  private static byte[] body(int version, String... strings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ByteBuffer.allocate(4).putInt(version).array());
    for (String string : strings) {
      out.writeBytes(string.getBytes(StandardCharsets.UTF_8));
      out.write(0);
    }
    return out.toByteArray();
  }

  private static byte[] withLength(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(4 + body.length).put(body).array();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
