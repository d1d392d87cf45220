package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The login's time limit (timeouts.clientLogin, 15 s by default) on an {@link EmbeddedChannel}'s
 * own clock: a silent socket is closed without a word, a client still proving its password is told
 * why, and a client that logged in keeps no timer.
 */
@ExtendWith(NettyLeakCheck.class)
class LoginPhaseTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private EmbeddedChannel client;
  private FakeServers servers;

  @AfterEach
  void finish() {
    client.finishAndReleaseAll();
    if (servers != null) {
      servers.finish();
    }
  }

  private void waitSeconds(long seconds) {
    client.advanceTimeBy(seconds, TimeUnit.SECONDS);
    client.runScheduledPendingTasks();
    client.runPendingTasks();
  }

  private void sendStartup() {
    client.writeInbound(new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", StubSessions.USER,
        "database", "app")).encode(ALLOC));
    client.runPendingTasks();
  }

  @Test
  void aSocketThatSendsNoStartupPacketInTimeIsClosedWithoutAWord() {
    client = StubSessions.withFlags().connect();
    waitSeconds(14);
    assertThat(client.isActive()).as("still within timeouts.clientLogin").isTrue();
    waitSeconds(2);
    assertThat(client.isActive()).isFalse();
    assertThat((Object) client.readOutbound()).as("PostgreSQL owes a non-client no reply").isNull();
  }

  @Test
  void aClientStillProvingItsPasswordIsToldWhyWhenTheTimeRunsOut() {
    client = StubSessions.withFlags().connect(); // SCRAM: the login waits for the client's proof
    sendStartup();
    ByteBuf asked = client.readOutbound();
    assertThat((char) asked.getByte(0)).as("AuthenticationSASL").isEqualTo('R');
    asked.release();

    waitSeconds(16);
    ByteBuf reply = client.readOutbound();
    ErrorResponse error = ErrorResponse.decode(Codec.body(reply));
    reply.release();
    assertThat(error.isFatal()).isTrue();
    assertThat(error.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
    assertThat(error.message()).isEqualTo("login not completed within 15000 ms");
    assertThat(client.isActive()).isFalse();
  }

  @Test
  void aClientThatLoggedInKeepsNoLoginTimer() {
    servers = new FakeServers(PoolMode.SESSION);
    servers.add(7);
    client = StubSessions.withServers(servers, "--client-auth", "trust", "--listen-host", "127.0.0.1").connect();
    sendStartup();
    for (Object greeting = client.readOutbound(); greeting != null; greeting = client.readOutbound()) {
      ((ByteBuf) greeting).release();
    }

    waitSeconds(60);
    assertThat(client.isActive()).isTrue();
    assertThat((Object) client.readOutbound()).isNull();
  }
}
