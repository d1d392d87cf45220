package org.postgresml.proxy.cache;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A client at the byte level (md5 login, simple Query), so a test compares the exact bytes the
 * proxy sends: a hit's with a miss's.
 */
final class WireClient implements AutoCloseable {

  private final Socket socket;
  private final DataInputStream in;
  private final OutputStream out;
  private final int port;
  /** BackendKeyData's process id and secret key: what a CancelRequest for this session carries. */
  private int processId;
  private int secretKey;

  private WireClient(int port) throws IOException {
    this.port = port;
    socket = new Socket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(60_000);
    in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 65536));
    out = socket.getOutputStream();
  }

  static WireClient login(int port, String user, String password) throws IOException {
    return login(port, user, password, Map.of());
  }

  /** Logs in to the upstream's database through the proxy; {@code extra} goes into the startup packet. */
  static WireClient login(int port, String user, String password, Map<String, String> extra) throws IOException {
    WireClient client = new WireClient(port);
    try {
      Map<String, String> startup = new LinkedHashMap<>(Map.of("user", user,
          "database", org.postgresml.proxy.UpstreamDatabase.DATABASE));
      startup.putAll(extra);
      client.out.write(startup(startup));
      client.out.flush();
      while (true) {
        byte[] message = client.readMessage();
        if (message[0] == 'Z') {
          return client;
        }
        if (message[0] == 'K') {
          client.processId = ByteBuffer.wrap(message, 5, 4).getInt();
          client.secretKey = ByteBuffer.wrap(message, 9, 4).getInt();
        }
        if (message[0] == 'E') {
          throw new IOException("login refused: " + new String(message, StandardCharsets.UTF_8));
        }
        if (message[0] == 'R' && ByteBuffer.wrap(message, 5, 4).getInt() == 5) {
          byte[] salt = Arrays.copyOfRange(message, 9, 13);
          String inner = md5Hex((password + user).getBytes(StandardCharsets.UTF_8));
          byte[] outer = Arrays.copyOf(inner.getBytes(StandardCharsets.US_ASCII), 36);
          System.arraycopy(salt, 0, outer, 32, 4);
          byte[] answer = ("md5" + md5Hex(outer) + "\0").getBytes(StandardCharsets.US_ASCII);
          client.out.write(ByteBuffer.allocate(5 + answer.length).put((byte) 'p').putInt(4 + answer.length)
              .put(answer).array());
          client.out.flush();
        }
      }
    } catch (IOException | RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** Sends one simple Query and returns every byte of the reply up to and including its ReadyForQuery. */
  byte[] query(String sql) throws IOException {
    send(sql);
    return reply();
  }

  void send(String sql) throws IOException {
    out.write(queryFrame(sql));
    out.flush();
  }

  static byte[] queryFrame(String sql) {
    byte[] text = sql.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(6 + text.length).put((byte) 'Q').putInt(5 + text.length).put(text).put((byte) 0)
        .array();
  }

  /** Sends a CancelRequest with this session's key on a connection of its own, as libpq's PQcancel does. */
  void cancel() throws IOException {
    try (Socket cancel = new Socket(InetAddress.getLoopbackAddress(), port)) {
      cancel.getOutputStream().write(ByteBuffer.allocate(16).putInt(16).putInt(80877102).putInt(processId)
          .putInt(secretKey).array());
      cancel.getOutputStream().flush();
      cancel.setSoTimeout(60_000);
      cancel.getInputStream().read(); // the proxy closes it without a word once it has taken the request
    }
  }

  void sendRaw(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The bytes of one reply, up to and including its ReadyForQuery. */
  byte[] reply() throws IOException {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    while (true) {
      byte[] message = readMessage();
      all.write(message);
      if (message[0] == 'Z') {
        return all.toByteArray();
      }
    }
  }

  private byte[] readMessage() throws IOException {
    byte type = in.readByte();
    int length = in.readInt();
    byte[] message = new byte[1 + length];
    message[0] = type;
    ByteBuffer.wrap(message, 1, 4).putInt(length);
    in.readFully(message, 5, length - 4);
    return message;
  }

  /** A reply's rows (text format), column name to value (null for SQL NULL). */
  static java.util.List<Map<String, String>> rows(byte[] reply) {
    java.util.List<String> columns = new java.util.ArrayList<>();
    java.util.List<Map<String, String>> rows = new java.util.ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(reply);
    while (buffer.hasRemaining()) {
      int start = buffer.position();
      byte type = buffer.get();
      int length = buffer.getInt();
      if (type == 'T') {
        int count = buffer.getShort();
        for (int i = 0; i < count; i++) {
          int end = buffer.position();
          while (reply[end] != 0) {
            end++;
          }
          columns.add(new String(reply, buffer.position(), end - buffer.position(), StandardCharsets.UTF_8));
          buffer.position(end + 1 + 18);
        }
      } else if (type == 'D') {
        int count = buffer.getShort();
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
          int size = buffer.getInt();
          row.put(columns.get(i), size < 0 ? null : new String(reply, buffer.position(), size, StandardCharsets.UTF_8));
          buffer.position(buffer.position() + Math.max(size, 0));
        }
        rows.add(row);
      }
      buffer.position(start + 1 + length);
    }
    return rows;
  }

  /** The type bytes of a reply's messages, in order ("TDCZ"). */
  static String types(byte[] reply) {
    StringBuilder types = new StringBuilder();
    ByteBuffer buffer = ByteBuffer.wrap(reply);
    while (buffer.hasRemaining()) {
      types.append((char) buffer.get());
      int length = buffer.getInt();
      buffer.position(buffer.position() + length - 4);
    }
    return types.toString();
  }

  /** The text of a reply's first ErrorResponse field {@code code} (M: message, C: SQLSTATE), or null. */
  static String errorField(byte[] reply, char code) {
    ByteBuffer buffer = ByteBuffer.wrap(reply);
    while (buffer.hasRemaining()) {
      int start = buffer.position();
      byte type = buffer.get();
      int length = buffer.getInt();
      if (type == 'E') {
        String body = new String(reply, start + 5, length - 4, StandardCharsets.UTF_8);
        for (String field : body.split("\0")) {
          if (!field.isEmpty() && field.charAt(0) == code) {
            return field.substring(1);
          }
        }
      }
      buffer.position(start + 1 + length);
    }
    return null;
  }

  private static byte[] startup(Map<String, String> parameters) {
    StringBuilder body = new StringBuilder();
    parameters.forEach((name, value) -> body.append(name).append('\0').append(value).append('\0'));
    body.append('\0');
    byte[] text = body.toString().getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + text.length).putInt(8 + text.length).putInt(196608).put(text).array();
  }

  private static String md5Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      out.write(new byte[] {'X', 0, 0, 0, 4});
      out.flush();
    } catch (IOException ignored) {
      // already gone
    }
    socket.close();
  }
}
