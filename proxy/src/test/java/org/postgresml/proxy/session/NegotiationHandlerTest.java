package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.protocol.frontend.CancelRequest;
import org.postgresml.testing.netty.NettyLeakCheck;

@ExtendWith(NettyLeakCheck.class)
class NegotiationHandlerTest {

  private final StubSessions sessions = StubSessions.withFlags();

  @ParameterizedTest
  @ValueSource(ints = {8, 12, 15, 17, 20})
  void aCancelRequestOfTheWrongLengthIsClosedWithoutAWord(int length) {
    EmbeddedChannel channel = sessions.connect();
    ByteBuf request = Unpooled.buffer(length).writeInt(length).writeInt(CancelRequest.CODE);
    request.writeZero(length - 8);
    channel.writeInbound(request);
    channel.checkException(); // nothing thrown past the handlers
    assertThat((Object) channel.readOutbound()).as("PostgreSQL answers a bad cancel with nothing").isNull();
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }

  @Test
  void aCancelConnectionCarriesOneRequest() {
    EmbeddedChannel channel = sessions.connect();
    ByteBuf two = Unpooled.buffer(32).writeInt(CancelRequest.LENGTH).writeInt(CancelRequest.CODE).writeInt(1).writeInt(2);
    two.writeInt(8).writeInt(80877103); // an SSLRequest behind it: not read, not answered
    channel.writeInbound(two);
    channel.checkException();
    assertThat((Object) channel.readOutbound()).isNull();
    assertThat(channel.isActive()).isFalse();
    channel.finishAndReleaseAll();
  }
}
