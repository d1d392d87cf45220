package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.auth.AuthenticationFailedException;
import org.postgresml.proxy.auth.UpstreamAuthenticator;
import org.postgresml.proxy.protocol.backend.AuthenticationMessage;

/**
 * A client that sends any startup parameter it is given, as node-postgres ({@code statement_timeout})
 * and asyncpg ({@code server_settings}) do, logs in by SCRAM or md5 (the proxy's own upstream-side
 * authenticator, which other tests run against real PostgreSQL) and sends simple queries.
 */
final class StartupClient implements AutoCloseable {

  /** The end of a login: refused with an error, or in with these ParameterStatus values. */
  record Login(StartupClient client, Map<Character, String> error, Map<String, String> parameters,
               List<Character> types) {
    boolean refused() {
      return error != null;
    }
  }

  /** The end of a simple query: its first row's columns, or its error. */
  record Result(List<String> row, Map<Character, String> error) {}

  private final RawClient raw;

  private StartupClient(RawClient raw) {
    this.raw = raw;
  }

  static Login login(int port, Map<String, String> parameters, String password) throws IOException {
    RawClient raw = new RawClient(port);
    StartupClient client = new StartupClient(raw);
    raw.send(RawClient.startup(parameters));
    UpstreamAuthenticator authenticator = new UpstreamAuthenticator(parameters.get("user"), password, false,
        Optional.empty());
    Map<String, String> reported = new LinkedHashMap<>();
    List<Character> types = new ArrayList<>();
    while (true) {
      RawClient.Message message = raw.read();
      types.add(message.type());
      switch (message.type()) {
        case 'R' -> {
          ByteBuf body = Unpooled.wrappedBuffer(message.body());
          try {
            Optional<ByteBuf> answer = authenticator.respond(AuthenticationMessage.decode(body),
                ByteBufAllocator.DEFAULT);
            if (answer.isPresent()) {
              raw.send(bytes(answer.get()));
            }
          } catch (AuthenticationFailedException e) {
            throw new IOException(e);
          } finally {
            body.release();
          }
        }
        case 'S' -> {
          String[] pair = new String(message.body(), StandardCharsets.UTF_8).split("\0", -1);
          reported.put(pair[0], pair[1]);
        }
        case 'E' -> {
          Map<Character, String> error = fields(message.body());
          raw.close();
          return new Login(null, error, reported, types);
        }
        case 'Z' -> {
          return new Login(client, null, reported, types);
        }
        default -> { } // BackendKeyData, NegotiateProtocolVersion, NoticeResponse
      }
    }
  }

  /** Runs one simple query to its ReadyForQuery. */
  Result query(String sql) throws IOException {
    byte[] text = (sql + "\0").getBytes(StandardCharsets.UTF_8);
    raw.send(ByteBuffer.allocate(5 + text.length).put((byte) 'Q').putInt(4 + text.length).put(text).array());
    List<String> row = null;
    Map<Character, String> error = null;
    for (RawClient.Message message = raw.read(); message.type() != 'Z'; message = raw.read()) {
      if (message.type() == 'D' && row == null) {
        row = columns(message.body());
      } else if (message.type() == 'E') {
        error = fields(message.body());
      }
    }
    return new Result(row, error);
  }

  private static List<String> columns(byte[] body) {
    ByteBuffer buffer = ByteBuffer.wrap(body);
    int count = buffer.getShort();
    List<String> columns = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int length = buffer.getInt();
      if (length < 0) {
        columns.add(null);
      } else {
        columns.add(new String(body, buffer.position(), length, StandardCharsets.UTF_8));
        buffer.position(buffer.position() + length);
      }
    }
    return columns;
  }

  static Map<Character, String> fields(byte[] body) {
    Map<Character, String> fields = new LinkedHashMap<>();
    int i = 0;
    while (i < body.length && body[i] != 0) {
      char key = (char) body[i++];
      int end = i;
      while (body[end] != 0) {
        end++;
      }
      fields.put(key, new String(body, i, end - i, StandardCharsets.UTF_8));
      i = end + 1;
    }
    return fields;
  }

  private static byte[] bytes(ByteBuf buf) {
    try {
      byte[] bytes = new byte[buf.readableBytes()];
      buf.readBytes(bytes);
      return bytes;
    } finally {
      buf.release();
    }
  }

  @Override
  public void close() throws IOException {
    raw.close();
  }
}
