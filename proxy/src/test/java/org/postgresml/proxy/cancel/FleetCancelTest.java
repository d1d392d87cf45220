package org.postgresml.proxy.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import org.postgresml.proxy.config.FleetSettings;
import org.postgresml.proxy.fleet.PeerDirectory;
import org.postgresml.proxy.fleet.SelfAddress;
import org.postgresml.proxy.net.Transport;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.extension.ExtendWith(org.postgresml.testing.netty.NettyLeakCheck.class)
class FleetCancelTest {

  private static final byte[] SECRET = "fleet-secret-of-the-test".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-11-24T05:00:00Z");
  private static final InetSocketAddress FROM = new InetSocketAddress("127.0.0.1", 50000);

  private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, Transport.selected().ioHandlers());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final FleetCancel fleet = new FleetCancel(SECRET, new PeerDirectory(List.of(), Optional.empty(), 6432),
      peer -> false, group, Clock.fixed(NOW, ZoneOffset.UTC), new FleetCancelMetrics(registry));

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

  @Test
  void aForwardReachesEveryPeerSignedButNotThisReplica() throws Exception {
    try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
         java.net.ServerSocket self = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
      PeerDirectory directory = new PeerDirectory(FleetSettings.parsePeers(List.of("127.0.0.1:" + self.getLocalPort(),
          "127.0.0.1:" + peer.getLocalPort())), Optional.empty(), 6432);
      try (FleetCancel sender = new FleetCancel(SECRET, directory, new SelfAddress(self::getLocalPort), group,
          Clock.systemUTC(), new FleetCancelMetrics(registry))) {
        sender.forward(4242, 0x7f000063);
        peer.setSoTimeout(10_000);
        try (java.net.Socket forwarded = peer.accept()) {
          java.io.DataInputStream in = new java.io.DataInputStream(forwarded.getInputStream());
          assertThat(in.readInt()).isEqualTo(PeerCancel.LENGTH);
          assertThat(in.readInt()).isEqualTo(PeerCancel.CODE);
          byte[] body = in.readAllBytes();
          PeerCancel message = PeerCancel.decode(io.netty.buffer.Unpooled.wrappedBuffer(body));
          assertThat(message.processId()).isEqualTo(4242);
          assertThat(message.secretKey()).isEqualTo(0x7f000063);
          assertThat(message.targetReplica()).as("keys name no replica").isEqualTo(PeerCancel.ANY_REPLICA);
          assertThat(message.isAuthentic(SECRET, Instant.now())).isTrue();
        }
        assertThat(registry.get("pgml_proxy_fleet_cancels_forwarded").counter().count()).isEqualTo(1);
      }
    }
  }

  private double outcome(String outcome) {
    return registry.get("pgml_proxy_fleet_peer_cancels").tag("outcome", outcome).counter().count();
  }
}
