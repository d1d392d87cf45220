package org.postgresml.proxy.fleet;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fleet-wide cancel. A client's CancelRequest lands on whichever replica the Service picked; when
 * that replica does not own the key, it forwards a signed {@link PeerCancel} to every peer, and the
 * owner cancels. Peers that do not own the key ignore it, as PostgreSQL ignores unknown keys.
 */
public final class FleetCancel {

  private static final Logger log = LoggerFactory.getLogger(FleetCancel.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 2000;

  private final byte[] secret;
  private final PeerDirectory peers;
  private final EventLoopGroup group;
  private final Clock clock;

  public FleetCancel(byte[] secret, PeerDirectory peers, EventLoopGroup group, Clock clock) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the fleet secret must have at least 16 bytes");
    }
    this.secret = secret.clone();
    this.peers = peers;
    this.group = group;
    this.clock = clock;
  }

  /** Sends the cancel to every peer; returns how many it was sent to. */
  public int forward(int processId, int secretKey) {
    PeerCancel message = PeerCancel.sign(secretKey >>> 24, processId, secretKey, clock.instant(), secret);
    Set<InetSocketAddress> targets = peers.peers();
    for (InetSocketAddress peer : targets) {
      send(peer, message);
    }
    log.debug("cancel for pid {} forwarded to {} peer(s)", processId, targets.size());
    return targets.size();
  }

  /** True when a received forward is signed with the fleet's secret and fresh. */
  public boolean isAuthentic(PeerCancel message) {
    return message.isAuthentic(secret, clock.instant());
  }

  private void send(InetSocketAddress peer, PeerCancel message) {
    new Bootstrap().group(group).channel(NioSocketChannel.class)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
        .option(ChannelOption.TCP_NODELAY, true)
        .handler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel channel) {
            // write-only: the peer closes after reading, as a server does after a CancelRequest
          }
        })
        .connect(peer).addListener((ChannelFutureListener) connected -> {
          if (!connected.isSuccess()) {
            log.warn("could not forward a cancel to peer {}: {}", peer, connected.cause().toString());
            return;
          }
          connected.channel().writeAndFlush(message.encode(connected.channel().alloc()))
              .addListener(ChannelFutureListener.CLOSE);
        });
  }
}
