package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.ProxyOptions;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Clients that get things wrong, on purpose or not: each gets an ErrorResponse or a clean close, and
 * the next good client is served. The leak check fails the class if any buffer was lost.
 */
@ExtendWith(NettyLeakCheck.class)
class BadInputIT {

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().withProxy(ProxyOptions.defaults()
      .with("--config", ProxyConfigFile.write("timeouts:\n  clientLogin: 1s\n").toString()));

  @Test
  void wrongPasswordAndUnknownUserGetTheSameError() {
    SQLException wrongPassword = loginFails(UpstreamDatabase.USER, "not-the-password");
    SQLException unknownUser = loginFails("nobody_here", upstream.password());
    assertThat(wrongPassword.getSQLState()).isEqualTo("28P01");
    assertThat(unknownUser.getSQLState()).isEqualTo("28P01");
    assertThat(wrongPassword.getMessage().replace(UpstreamDatabase.USER, "U"))
        .isEqualTo(unknownUser.getMessage().replace("nobody_here", "U"));
    assertThat(upstream.proxy().server().metrics().scrape()).contains("pgml_proxy_client_auth_failures_total");
    goodClientIsServed();
  }

  @Test
  void garbageTruncatedHugeAndUserlessClientsThenAGoodOne() throws Exception {
    // What PostgreSQL closes without a reply (StartupPacketIT compares each case with PostgreSQL).
    try (RawClient http = new RawClient(upstream.proxy().port())) {
      http.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      assertThat(http.closedByPeer()).isTrue();
    }
    try (RawClient truncated = new RawClient(upstream.proxy().port())) {
      byte[] startup = RawClient.startup(Map.of("user", UpstreamDatabase.USER));
      truncated.send(java.util.Arrays.copyOf(startup, startup.length / 2));
      truncated.endOutput();
      assertThat(truncated.closedByPeer()).isTrue();
    }
    try (RawClient huge = new RawClient(upstream.proxy().port())) {
      huge.send(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(196608).array());
      assertThat(huge.closedByPeer()).isTrue();
    }
    try (RawClient negative = new RawClient(upstream.proxy().port())) {
      negative.send(ByteBuffer.allocate(8).putInt(0x80000000).putInt(0).array());
      assertThat(negative.closedByPeer()).isTrue();
    }
    try (RawClient userless = new RawClient(upstream.proxy().port())) {
      userless.send(RawClient.startup(Map.of("database", UpstreamDatabase.DATABASE)));
      assertThat(userless.readError()).containsEntry('C', "28000");
    }
    try (RawClient newProtocol = new RawClient(upstream.proxy().port())) {
      newProtocol.send(ByteBuffer.allocate(9).putInt(9).putInt(4 << 16).put((byte) 0).array());
      assertThat(newProtocol.readError()).containsEntry('C', "0A000");
    }
    try (RawClient silent = new RawClient(upstream.proxy().port())) {
      // clientLogin is 1s in this class's config file: a client that never logs in is let go.
      assertThat(silent.closedByPeer()).isTrue();
    }
    goodClientIsServed();
  }

  @Test
  void hugeTypedMessageDuringLoginIsRefused() throws Exception {
    try (RawClient client = new RawClient(upstream.proxy().port())) {
      client.send(RawClient.startup(Map.of("user", UpstreamDatabase.USER, "database", UpstreamDatabase.DATABASE)));
      assertThat(client.read().type()).isEqualTo('R'); // AuthenticationSASL
      client.send(ByteBuffer.allocate(5).put((byte) 'p').putInt(Integer.MAX_VALUE).array());
      assertThat(client.readError()).containsEntry('C', "08P01");
    }
    goodClientIsServed();
  }

  private static SQLException loginFails(String user, String password) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
        () -> upstream.proxy().connect(user, password).close());
    assertThat(thrown).isInstanceOf(SQLException.class);
    return (SQLException) thrown;
  }

  private static void goodClientIsServed() {
    try (Connection connection = upstream.connect()) {
      assertThat(connection.isValid(5)).isTrue();
    } catch (SQLException e) {
      throw new AssertionError("a good client was not served after bad ones", e);
    }
  }

}
