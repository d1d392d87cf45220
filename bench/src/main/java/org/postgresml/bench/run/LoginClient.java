package org.postgresml.bench.run;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.postgresml.bench.Endpoint;

/**
 * A minimal PostgreSQL client that only logs in: TCP connect, StartupMessage, SCRAM-SHA-256 (or
 * trust), then waits for the first ReadyForQuery and hangs up with a Terminate. No driver between the
 * clock and the wire, so each login's time is the server's (or pooler's) and the round trips', plus
 * the client's key derivation, which it times on its own.
 */
public final class LoginClient {

  private static final int PROTOCOL_3_0 = 196608;
  private static final int SOCKET_TIMEOUT_MS = 20_000;

  /** One login: from before the TCP connect to the first ReadyForQuery, and the client's PBKDF2 within it. */
  public record Login(long totalNanos, long derivationNanos) {
    public double millis() {
      return totalNanos / 1e6;
    }

    /** The login without the client's own key derivation: what the server side and the round trips cost. */
    public double serverMillis() {
      return (totalNanos - derivationNanos) / 1e6;
    }
  }

  private LoginClient() {}

  /**
   * Logs in once and hangs up.
   *
   * @throws IOException when the connection fails or the server answers with an ErrorResponse (its message)
   */
  public static Login login(Endpoint endpoint) throws IOException {
    long start = System.nanoTime();
    long derivation = 0;
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(SOCKET_TIMEOUT_MS);
      socket.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), SOCKET_TIMEOUT_MS);
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
      DataInputStream in = new DataInputStream(socket.getInputStream());
      writeStartup(out, endpoint);
      ScramClient scram = null;
      while (true) {
        int type = in.read();
        if (type < 0) {
          throw new IOException("the server closed the connection during the login");
        }
        byte[] body = readBody(in);
        switch (type) {
          case 'R' -> {
            int code = int32(body, 0);
            switch (code) {
              case 0 -> { } // AuthenticationOk
              case 10 -> { // AuthenticationSASL: mechanisms
                if (!new String(body, 4, body.length - 4, StandardCharsets.UTF_8).contains("SCRAM-SHA-256")) {
                  throw new IOException("the server offers no SCRAM-SHA-256");
                }
                scram = new ScramClient(endpoint.password());
                writeSaslInitial(out, scram.clientFirstMessage());
              }
              case 11 -> writeSaslResponse(out, requireScram(scram).clientFinalMessage(text(body, 4)));
              case 12 -> {
                requireScram(scram).verifyServerFinal(text(body, 4));
                derivation = scram.derivationNanos();
              }
              default -> throw new IOException("unsupported authentication request " + code);
            }
          }
          case 'E' -> throw new IOException("login refused: " + errorText(body));
          case 'Z' -> {
            long total = System.nanoTime() - start;
            out.write('X');
            out.writeInt(4);
            out.flush();
            return new Login(total, derivation);
          }
          default -> { } // ParameterStatus, BackendKeyData, NoticeResponse
        }
      }
    }
  }

  private static ScramClient requireScram(ScramClient scram) throws IOException {
    if (scram == null) {
      throw new IOException("SCRAM message before AuthenticationSASL");
    }
    return scram;
  }

  private static void writeStartup(DataOutputStream out, Endpoint endpoint) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    for (String part : new String[] {"user", endpoint.user(), "database", endpoint.database(),
        "application_name", "pgml-bench-login"}) {
      body.write(part.getBytes(StandardCharsets.UTF_8));
      body.write(0);
    }
    body.write(0);
    out.writeInt(8 + body.size());
    out.writeInt(PROTOCOL_3_0);
    body.writeTo(out);
    out.flush();
  }

  private static void writeSaslInitial(DataOutputStream out, String clientFirst) throws IOException {
    byte[] mechanism = "SCRAM-SHA-256".getBytes(StandardCharsets.US_ASCII);
    byte[] data = clientFirst.getBytes(StandardCharsets.UTF_8);
    out.write('p');
    out.writeInt(4 + mechanism.length + 1 + 4 + data.length);
    out.write(mechanism);
    out.write(0);
    out.writeInt(data.length);
    out.write(data);
    out.flush();
  }

  private static void writeSaslResponse(DataOutputStream out, String clientFinal) throws IOException {
    byte[] data = clientFinal.getBytes(StandardCharsets.UTF_8);
    out.write('p');
    out.writeInt(4 + data.length);
    out.write(data);
    out.flush();
  }

  private static byte[] readBody(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 4 || length > 1 << 20) {
      throw new IOException("implausible message length " + length + " during the login");
    }
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return body;
  }

  private static int int32(byte[] bytes, int offset) {
    return ((bytes[offset] & 0xff) << 24) | ((bytes[offset + 1] & 0xff) << 16) | ((bytes[offset + 2] & 0xff) << 8)
        | (bytes[offset + 3] & 0xff);
  }

  private static String text(byte[] body, int offset) {
    return new String(body, offset, body.length - offset, StandardCharsets.UTF_8);
  }

  /** An ErrorResponse's SQLSTATE and message fields. */
  static String errorText(byte[] body) {
    String code = "";
    String message = "";
    int i = 0;
    while (i < body.length && body[i] != 0) {
      char field = (char) body[i];
      int end = i + 1;
      while (end < body.length && body[end] != 0) {
        end++;
      }
      String value = new String(body, i + 1, end - i - 1, StandardCharsets.UTF_8);
      if (field == 'C') {
        code = value;
      } else if (field == 'M') {
        message = value;
      }
      i = end + 1;
    }
    return code + " " + message;
  }
}
