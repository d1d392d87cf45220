package org.postgresml.proxy.session;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** A socket that speaks raw bytes to the proxy, for inputs no real client library would send. */
final class RawClient implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;

  RawClient(int port) throws IOException {
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
    out = socket.getOutputStream();
  }

  /**
   * Connects and logs in with md5 (the proxy started with {@code --client-auth md5}), reading up to
   * the first ReadyForQuery.
   */
  static RawClient loggedIn(int port, String user, String password, String database) throws IOException {
    return loggedIn(port, user, password, database, java.time.Duration.ofSeconds(10));
  }

  /** The same, waiting up to {@code timeout} for each reply (a login may queue for a server connection). */
  static RawClient loggedIn(int port, String user, String password, String database, java.time.Duration timeout)
      throws IOException {
    RawClient client = new RawClient(port).readTimeout(timeout);
    try {
      client.send(startup(Map.of("user", user, "database", database)));
      for (Message message = client.read(); message.type() != 'Z'; message = client.read()) {
        if (message.type() == 'E') {
          throw new IOException("login refused: " + new String(message.body(), StandardCharsets.UTF_8));
        }
        if (message.type() == 'R' && java.nio.ByteBuffer.wrap(message.body()).getInt() == 5) {
          byte[] salt = java.util.Arrays.copyOfRange(message.body(), 4, 8);
          String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
          byte[] outer = java.util.Arrays.copyOf(inner.getBytes(StandardCharsets.US_ASCII), 36);
          System.arraycopy(salt, 0, outer, 32, 4);
          byte[] answer = ("md5" + md5Hex(outer) + "\0").getBytes(StandardCharsets.US_ASCII);
          client.send(java.nio.ByteBuffer.allocate(5 + answer.length).put((byte) 'p').putInt(4 + answer.length)
              .put(answer).array());
        }
      }
      return client;
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static String md5Hex(byte[] bytes) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** How long a read may wait before the client counts as hung. */
  RawClient readTimeout(java.time.Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    return this;
  }

  RawClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  void endOutput() throws IOException {
    socket.shutdownOutput();
  }

  /** A StartupMessage for protocol 3.0 with the given parameters. */
  static byte[] startup(Map<String, String> parameters) {
    StringBuilder body = new StringBuilder();
    parameters.forEach((name, value) -> body.append(name).append('\0').append(value).append('\0'));
    body.append('\0');
    byte[] text = body.toString().getBytes(StandardCharsets.UTF_8);
    java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8 + text.length);
    buffer.putInt(8 + text.length).putInt(196608).put(text);
    return buffer.array();
  }

  /** The next message's type byte and body. */
  Message read() throws IOException {
    byte type = in.readByte();
    int length = in.readInt();
    byte[] body = new byte[length - 4];
    in.readFully(body);
    return new Message((char) type, body);
  }

  /** Reads messages until an ErrorResponse and returns its fields. */
  Map<Character, String> readError() throws IOException {
    for (Message message = read(); ; message = read()) {
      if (message.type() == 'E') {
        return fields(message);
      }
    }
  }

  /** The fields of an ErrorResponse or NoticeResponse by their code. */
  static Map<Character, String> fields(Message message) {
    Map<Character, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < message.body().length && message.body()[i] != 0) {
      char key = (char) message.body()[i++];
      int end = i;
      while (message.body()[end] != 0) {
        end++;
      }
      fields.put(key, new String(message.body(), i, end - i, StandardCharsets.UTF_8));
      i = end + 1;
    }
    return fields;
  }

  /** True when the proxy closed the connection (EOF) before the socket timeout. */
  boolean closedByPeer() throws IOException {
    try {
      while (true) {
        if (in.read() < 0) {
          return true;
        }
      }
    } catch (EOFException e) {
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by peer
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  record Message(char type, byte[] body) {}
}
