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
  void parametersKeepThePacketsOrderAndTheLastOfARepeatedName() {
    StartupMessage decoded = decode("user\0app\0TimeZone\0UTC\0user\0other\0database\0db\0\0");
    assertThat(decoded.parameters()).containsExactly(Map.entry("user", "other"), Map.entry("TimeZone", "UTC"),
        Map.entry("database", "db"));
    assertThat(decoded.user()).isEqualTo("other");
    assertThat(decoded.parameter("TimeZone")).isEqualTo("UTC");
    assertThat(decoded.parameter("timezone")).as("names as sent; GUC case rules are ClientParameters'").isNull();
  }

  @Test
  void sessionsOfOneApplicationShareTheirStartupStrings() {
    // Every idle session keeps its packet: the same user, database and values are one copy for all.
    StartupMessage first = decode("user\0app_7f3a\0database\0orders_db\0\0");
    StartupMessage second = decode("user\0app_7f3a\0database\0orders_db\0\0");
    assertThat(second.user()).isEqualTo("app_7f3a").isSameAs(first.user());
    assertThat(second.database()).isSameAs(first.database());
  }

  private static StartupMessage decode(String pairs) {
    ByteBuf body = Unpooled.buffer().writeInt(196608).writeBytes(pairs.getBytes(StandardCharsets.UTF_8));
    try {
      return StartupMessage.decode(body);
    } finally {
      body.release();
    }
  }

  @Test
  void unterminatedParameterIsAProtocolViolation() {
    ByteBuf body = Unpooled.buffer().writeInt(196608).writeBytes("user\0rds".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> StartupMessage.decode(body)).isInstanceOf(ProtocolException.class);
  }
}
