package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * One client must not claim memory that every client shares: a malformed statement message is
 * given back at once, whatever its size; a message past limits.maxMessageSize is refused from its
 * header, before its body is buffered; prepared statements are capped per client. Each refused
 * client gets its error and the next client is served. The proxy runs in this JVM
 * in transaction mode (where Parse/Bind/Describe/Close are decoded), so its direct memory is
 * measured here; the leak check fails the class on any lost buffer.
 */
@ExtendWith(NettyLeakCheck.class)
class ClientMemoryIT {

  /** Large enough that a few lost ones stand out of whatever the allocators keep cached. */
  private static final int FRAME_BYTES = 16 * 1024 * 1024;
  /** What a client streams of a refused message's body before it notices the proxy has closed. */
  private static final int PARTIAL_BODY_BYTES = 16 * 1024 * 1024;

  private static final int MAX_STATEMENTS = 5;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().withProxy(ProxyOptions.defaults()
      .poolMode("transaction").poolSize(2).clientAuth("md5")
      .with("--max-prepared-statements", Integer.toString(MAX_STATEMENTS)));

  @ParameterizedTest
  @ValueSource(chars = {'P', 'B', 'D', 'C'})
  void malformedStatementMessagesAreRefusedAndTheirMemoryGivenBack(char type) throws Exception {
    long before = DirectMemory.inUse();
    for (int client = 0; client < 4; client++) {
      try (RawClient raw = Md5Login.as(upstream.proxy().port(), UpstreamDatabase.USER, upstream.password())) {
        // Inside a transaction, so the frame reaches the statement rewriter on a server connection.
        raw.send(query("BEGIN"));
        Md5Login.readUntilReady(raw);
        raw.send(unterminated(type, FRAME_BYTES));
        assertThat(raw.readError()).containsEntry('C', "08P01");
        assertThat(raw.closedByPeer()).isTrue();
      }
      goodClientIsServed();
    }
    // Four lost frames would hold 64 MB for good; given back, what remains is the allocators' cache.
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(DirectMemory.inUse() - before).isLessThan(2L * FRAME_BYTES));
  }

  @Test
  void aHundredMegabyteQueryIsRefusedFromItsHeaderWithoutBeingBuffered() throws Exception {
    long before = DirectMemory.inUse();
    try (RawClient raw = Md5Login.as(upstream.proxy().port(), UpstreamDatabase.USER, upstream.password())) {
      // The body follows in the background, as a client would stream it; the proxy must not wait for it.
      Thread writer = new Thread(() -> {
        try {
          raw.send(ByteBuffer.allocate(5).put((byte) 'Q').putInt(100 * 1024 * 1024).array());
          byte[] chunk = new byte[64 * 1024];
          for (int i = 0; i < PARTIAL_BODY_BYTES / chunk.length; i++) {
            raw.send(chunk);
          }
        } catch (IOException closedByTheProxy) {
          // expected once the proxy has answered and closed
        }
      });
      writer.start();
      java.util.Map<Character, String> error = raw.readError();
      assertThat(error).containsEntry('C', "54000").containsEntry('S', "FATAL");
      assertThat(error.get('M')).contains("104857600").contains("limits.maxMessageSize");
      assertThat(raw.closedByPeer()).isTrue();
      writer.join(Duration.ofSeconds(30).toMillis());
    }
    assertThat(DirectMemory.inUse() - before).as("the partial body was not kept").isLessThan(PARTIAL_BODY_BYTES / 2);
    goodClientIsServed();
  }

  @Test
  void beforeLoginAMessageIsBoundedAsPostgresBoundsAnAuthenticationToken() throws Exception {
    try (RawClient raw = new RawClient(upstream.proxy().port())) {
      raw.send(RawClient.startup(java.util.Map.of("user", UpstreamDatabase.USER, "database", UpstreamDatabase.DATABASE)));
      assertThat(raw.read().type()).isEqualTo('R');
      raw.send(ByteBuffer.allocate(5).put((byte) 'p').putInt(1024 * 1024).array());
      java.util.Map<Character, String> error = raw.readError();
      assertThat(error).containsEntry('C', "54000");
      assertThat(error.get('M')).contains("before login");
      assertThat(raw.closedByPeer()).isTrue();
    }
    goodClientIsServed();
  }

  @Test
  void aClientPastItsPreparedStatementLimitIsToldSoAndOthersKeepWorking() throws SQLException {
    java.util.Properties prepareAtOnce = new java.util.Properties();
    prepareAtOnce.setProperty("prepareThreshold", "1"); // every statement a named server-side one
    try (Connection connection = upstream.connect(prepareAtOnce)) {
      for (int i = 1; i <= MAX_STATEMENTS; i++) {
        assertThat(selectOne(connection, "SELECT " + i + " + ?")).isEqualTo(i + 1);
      }
      Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
          () -> selectOne(connection, "SELECT 99 + ?"));
      assertThat(refused).isInstanceOf(SQLException.class);
      assertThat(((SQLException) refused).getSQLState()).isEqualTo("54000");
      assertThat(refused).hasMessageContaining("too many prepared statements");
      assertThat(connection.isValid(5)).as("the session has ended").isFalse();
    }
    goodClientIsServed();
  }

  private static int selectOne(Connection connection, String sql) throws SQLException {
    try (java.sql.PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setInt(1, 1);
      try (ResultSet rows = statement.executeQuery()) {
        assertThat(rows.next()).isTrue();
        return rows.getInt(1);
      }
    }
  }

  /** A statement message of {@code bytes} whose first string never ends. */
  private static byte[] unterminated(char type, int bytes) {
    byte[] frame = new byte[bytes + 1];
    Arrays.fill(frame, (byte) 'x');
    ByteBuffer.wrap(frame).put((byte) type).putInt(bytes);
    if (type == 'D' || type == 'C') {
      frame[5] = 'S'; // a statement target, then a name without its terminator
    }
    return frame;
  }

  static byte[] query(String sql) {
    byte[] text = sql.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(6 + text.length).put((byte) 'Q').putInt(5 + text.length).put(text).put((byte) 0)
        .array();
  }

  static void goodClientIsServed() throws SQLException {
    try (Connection connection = upstream.connect();
         ResultSet rows = connection.createStatement().executeQuery("SELECT 41 + 1")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getInt(1)).isEqualTo(42);
    }
  }

  /** A raw client logged in by md5 (simpler by hand than SCRAM, and the same path afterwards). */
  static final class Md5Login {

    private Md5Login() {}

    static RawClient as(int port, String user, String password) throws IOException {
      RawClient raw = new RawClient(port);
      raw.send(RawClient.startup(java.util.Map.of("user", user, "database", UpstreamDatabase.DATABASE)));
      RawClient.Message request = raw.read();
      assertThat(request.type()).isEqualTo('R');
      ByteBuffer body = ByteBuffer.wrap(request.body());
      assertThat(body.getInt()).as("AuthenticationMD5Password").isEqualTo(5);
      byte[] salt = new byte[4];
      body.get(salt);
      byte[] answer = (org.postgresml.proxy.auth.Md5Password.answer(user, password, salt) + "\0")
          .getBytes(StandardCharsets.US_ASCII);
      raw.send(ByteBuffer.allocate(5 + answer.length).put((byte) 'p').putInt(4 + answer.length).put(answer)
          .array());
      readUntilReady(raw);
      return raw;
    }

    static void readUntilReady(RawClient raw) throws IOException {
      for (RawClient.Message message = raw.read(); message.type() != 'Z'; message = raw.read()) {
        assertThat(message.type()).as("no error before ReadyForQuery").isNotEqualTo('E');
      }
    }
  }

  /** Direct memory in use in this JVM, by either of the ways Netty allocates it. */
  static final class DirectMemory {

    private DirectMemory() {}

    static long inUse() {
      long netty = Math.max(0, io.netty.util.internal.PlatformDependent.usedDirectMemory());
      long jdk = java.lang.management.ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class)
          .stream().filter(pool -> pool.getName().equals("direct"))
          .mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
      return netty + jdk;
    }
  }
}
