package org.postgresml.proxy.cancel;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postgresml.proxy.fleet.PeerDirectory;
import org.postgresml.proxy.net.Transport;

/**
 * Fleet-wide cancel. A client's CancelRequest lands on whichever replica the Service picked; when
 * that replica does not own the key, it forwards a signed {@link PeerCancel} to every peer, and the
 * owner cancels. Peers that do not own the key ignore it, as PostgreSQL ignores unknown keys. A
 * received PeerCancel is only ever acted on locally, so a forward cannot loop.
 */
public final class FleetCancel implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(FleetCancel.class);
  private static final int CONNECT_TIMEOUT_MILLIS = 2000;
  /** Bounds the fan-out anyone who can reach the port can cause with made-up keys. */
  static final int MAX_IN_FLIGHT = 256;

  private final byte[] secret;
  private final PeerDirectory peers;
  private final Predicate<InetSocketAddress> isSelf;
  private final EventLoopGroup group;
  private final Clock clock;
  private final FleetCancelMetrics metrics;
  /** DNS lookups block, so they run here and never on an event loop. */
  private final ExecutorService resolver = Executors.newSingleThreadExecutor(runnable -> {
    Thread thread = new Thread(runnable, "pgml-proxy-fleet-cancel");
    thread.setDaemon(true);
    return thread;
  });
  private final AtomicInteger inFlight = new AtomicInteger();
  /** MACs accepted within the freshness window: a captured forward cannot be replayed. */
  private final Map<ByteBuffer, Long> seen = new ConcurrentHashMap<>();

  /**
   * @param isSelf true for this replica's own address, which a DNS name (or a list shared by the
   *     whole fleet) also names
   */
  public FleetCancel(byte[] secret, PeerDirectory peers, Predicate<InetSocketAddress> isSelf, EventLoopGroup group,
      Clock clock, FleetCancelMetrics metrics) {
    if (secret.length < 16) {
      throw new IllegalArgumentException("the fleet secret must have at least 16 bytes");
    }
    this.secret = secret.clone();
    this.peers = peers;
    this.isSelf = isSelf;
    this.group = group;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Sends the cancel to every peer but this one, in the background; returns at once. */
  public void forward(int processId, int secretKey) {
    PeerCancel message = PeerCancel.sign(PeerCancel.ANY_REPLICA, processId, secretKey, clock.instant(), secret);
    metrics.forwarded();
    try {
      resolver.execute(() -> {
        Set<InetSocketAddress> targets = peers.peers();
        targets.removeIf(isSelf);
        for (InetSocketAddress peer : targets) {
          send(peer, message);
        }
        log.debug("cancel forwarded to {} peer(s)", targets.size());
      });
    } catch (RejectedExecutionException e) {
      metrics.forwardFailed(); // shutting down
    }
  }

  /**
   * True when a received forward is signed with the fleet's secret, fresh, and not seen before. A
   * rejection is counted and logged with the sender, never with the key.
   */
  public boolean accept(PeerCancel message, SocketAddress from) {
    long now = clock.millis();
    String reason = null;
    if (!message.isAuthentic(secret, clock.instant())) {
      reason = "bad signature or stale";
    } else {
      seen.values().removeIf(expiry -> expiry < now);
      if (seen.putIfAbsent(ByteBuffer.wrap(message.mac()), now + 2 * PeerCancel.MAX_AGE.toMillis()) != null) {
        reason = "replayed";
      }
    }
    if (reason != null) {
      metrics.rejected();
      log.atWarn().addKeyValue("from", from).addKeyValue("reason", reason).log("peer cancel rejected");
      return false;
    }
    metrics.accepted();
    return true;
  }

  private void send(InetSocketAddress peer, PeerCancel message) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      metrics.forwardFailed();
      log.atWarn().addKeyValue("peer", peer).log("too many cancels in flight, one not forwarded");
      return;
    }
    new Bootstrap().group(group).channel(Transport.selected().socketChannel())
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
            inFlight.decrementAndGet();
            metrics.forwardFailed();
            log.atWarn().addKeyValue("peer", peer).addKeyValue("reason", String.valueOf(connected.cause()))
                .log("could not forward a cancel");
            return;
          }
          connected.channel().closeFuture().addListener(closed -> inFlight.decrementAndGet());
          connected.channel().writeAndFlush(message.encode(connected.channel().alloc()))
              .addListener(ChannelFutureListener.CLOSE);
        });
  }

  @Override
  public void close() {
    resolver.shutdownNow();
  }
}
