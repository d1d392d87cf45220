package org.postgresml.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.testing.netty.NettyLeakCheck;

/** One logged-in upstream connection on an embedded socket: what it sends, when it may be handed out. */
@ExtendWith(NettyLeakCheck.class)
class ServerConnectionTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private final EmbeddedServer server = EmbeddedServer.loggedIn(200);
  private final ServerConnection connection = server.connection();

  @AfterEach
  void finish() {
    server.finish();
  }

  @Test
  void theProxysOwnQueryGoesOutAtOnceAndHearsWhetherItFailed() {
    AtomicReference<Optional<ErrorResponse>> verdict = new AtomicReference<>();
    connection.runInternal("", verdict::set); // a health check's empty query
    List<ByteBuf> sent = server.receivedFrames();
    assertThat(sent).hasSize(1);
    assertThat((char) sent.get(0).getByte(0)).isEqualTo('Q');
    assertThat(Codec.body(sent.get(0)).toString(StandardCharsets.UTF_8)).isEqualTo("\0");
    sent.forEach(ByteBuf::release);
    server.says(ALLOC.buffer().writeByte('I').writeInt(4)); // EmptyQueryResponse
    assertThat(verdict.get()).as("nothing until its ReadyForQuery").isNull();
    server.says(new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC));
    assertThat(verdict.get()).isEmpty();

    AtomicReference<Optional<ErrorResponse>> failed = new AtomicReference<>();
    connection.runInternal("", failed::set);
    server.received();
    server.says(ErrorResponse.error("57014", "canceling statement").encode(ALLOC));
    server.says(new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC));
    assertThat(failed.get()).hasValueSatisfying(error -> assertThat(error.sqlState()).isEqualTo("57014"));
  }

  @Test
  void closingSaysGoodbyeToTheServer() {
    connection.close();
    assertThat(server.received()).isEqualTo("X");
    assertThat(server.channel().isActive()).isFalse();
    assertThat(connection.isUsable()).isFalse();
  }

  @Test
  void aBrokenConnectionIsNeverHandedOutAgain() {
    assertThat(connection.isUsable()).isTrue();
    connection.markBroken();
    assertThat(connection.isUsable()).isFalse();
    assertThat(server.channel().isActive()).as("broken, not closed: the pool closes it").isTrue();
  }

  @Test
  void clientFramesGoOutOnlyWhenFlushed() {
    connection.write(ALLOC.buffer().writeByte('S').writeInt(4));
    assertThat(server.channel().outboundMessages()).isEmpty();
    connection.flush();
    assertThat(server.received()).isEqualTo("S");
  }

  @Test
  void parametersFollowTheServersReportsAndTheProxysOwnSettings() {
    assertThat(connection.parameters()).containsEntry("TimeZone", "UTC");
    assertThat(connection.startupParameters()).isEqualTo(EmbeddedServer.PARAMETERS);
    connection.expectParameter("TimeZone", "Europe/Berlin");
    assertThat(connection.parameters()).containsEntry("TimeZone", "Europe/Berlin");
    assertThat(connection.startupParameters()).as("what DISCARD ALL returns to").containsEntry("TimeZone", "UTC");
  }

  @Test
  void theBackendKeyIsTheServersOwn() {
    assertThat(connection.backendKey().processId()).isEqualTo(200);
    assertThat(connection.upstreamAddress()).isEqualTo("127.0.0.1:5432");
  }
}
