package org.postgresml.proxy.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PeerCancelTest {

  private static final byte[] SECRET = "fleet-secret-of-the-test".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-11-24T05:00:00Z");

  @Test
  void encodeDecodeKeepsEveryField() {
    PeerCancel message = PeerCancel.sign(3, 4242, (3 << 24) | 77, NOW, SECRET);
    ByteBuf wire = message.encode(ByteBufAllocator.DEFAULT);
    try {
      assertThat(wire.readInt()).isEqualTo(PeerCancel.LENGTH).isEqualTo(wire.readableBytes() + 4);
      assertThat(wire.readInt()).isEqualTo(PeerCancel.CODE);
      assertThat(PeerCancel.decode(wire)).isEqualTo(message);
    } finally {
      wire.release();
    }
  }

  @Test
  void onlyTheFleetsSecretAndAFreshStampAreAccepted() {
    PeerCancel message = PeerCancel.sign(1, 100, 200, NOW, SECRET);
    assertThat(message.isAuthentic(SECRET, NOW.plusSeconds(1))).isTrue();
    assertThat(message.isAuthentic("another-fleet-secret-value".getBytes(StandardCharsets.UTF_8), NOW)).isFalse();
    assertThat(message.isAuthentic(SECRET, NOW.plus(PeerCancel.MAX_AGE).plus(Duration.ofSeconds(1)))).isFalse();

    PeerCancel forgedKey = new PeerCancel(1, 100, 201, message.timestampMillis(), message.mac());
    assertThat(forgedKey.isAuthentic(SECRET, NOW)).isFalse();
  }
}
