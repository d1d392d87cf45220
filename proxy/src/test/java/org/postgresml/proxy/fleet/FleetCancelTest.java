package org.postgresml.proxy.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class FleetCancelTest {

  private static final byte[] SECRET = "fleet-secret-of-the-test".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-11-24T05:00:00Z");
  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 50000);

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FleetCancel fleet = new FleetCancel(SECRET, new PeerDirectory(List.of(), Optional.empty(), 6432),
      peer -> false, group, Clock.fixed(NOW, ZoneOffset.UTC), new FleetMetrics(registry));

  @AfterEach
  void stop() {
    fleet.close();
    group.shutdownGracefully().syncUninterruptibly();
  }

  @Test
  void anAuthenticForwardIsAcceptedOnceAndAReplayIsNot() {
    PeerCancel message = PeerCancel.sign(2, 100, (2 << 24) | 5, NOW.minusSeconds(3), SECRET);
    assertThat(fleet.accept(message, FROM)).isTrue();
    assertThat(fleet.accept(message, FROM)).isFalse();
    assertThat(outcome("accepted")).isEqualTo(1);
    assertThat(outcome("rejected")).isEqualTo(1);
  }

  @Test
  void aWrongSecretOrAStaleStampIsRejectedAndCounted() {
    byte[] otherSecret = "a-secret-of-another-fleet".getBytes(StandardCharsets.UTF_8);
    assertThat(fleet.accept(PeerCancel.sign(2, 100, 5, NOW, otherSecret), FROM)).isFalse();
    assertThat(fleet.accept(PeerCancel.sign(2, 100, 5, NOW.minus(PeerCancel.MAX_AGE).minusSeconds(1), SECRET), FROM))
        .isFalse();
    assertThat(outcome("rejected")).isEqualTo(2);
    assertThat(outcome("accepted")).isZero();
  }

  private double outcome(String outcome) {
    return registry.get("pgml_proxy_fleet_peer_cancels").tag("outcome", outcome).counter().count();
  }
}
