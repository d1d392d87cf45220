package org.postgresml.proxy.protocol.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.ProtocolException;

class StartupMessageTest {

  @Test
  void encodeThenDecode() {
    Map<String, String> parameters = new LinkedHashMap<>();
    parameters.put("user", "rds_app");
    parameters.put("application_name", "dblink");
    ByteBuf buf = new StartupMessage(StartupMessage.PROTOCOL_3_0, parameters).encode(UnpooledByteBufAllocator.DEFAULT);
    try {
      assertThat(buf.readInt()).isEqualTo(buf.readableBytes() + 4);
      StartupMessage decoded = StartupMessage.decode(buf);
      assertThat(decoded.protocolVersion()).isEqualTo(196608);
      assertThat(decoded.parameters()).containsExactlyEntriesOf(parameters);
      assertThat(decoded.database()).as("defaults to the user, as in PostgreSQL").isEqualTo("rds_app");
    } finally {
      buf.release();
    }
  }

  @Test
  void unterminatedParameterIsAProtocolViolation() {
    ByteBuf body = Unpooled.buffer().writeInt(196608).writeBytes("user\0rds".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> StartupMessage.decode(body)).isInstanceOf(ProtocolException.class);
  }
}
