package org.postgresml.proxy.cancel;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.cancel.FleetCancel;
import org.postgresml.proxy.cancel.PeerCancel;
import org.postgresml.proxy.protocol.frontend.CancelRequest;

/**
 * Where a cancel goes. A client's CancelRequest cancels the local session that owns the key; a key
 * this replica does not hold is forwarded once to every peer when a fleet is configured (keys carry
 * no replica id: all 32 secret bits are random), and the peer that holds it cancels. A peer's
 * forward cancels locally only, and only when authentic.
 *
 * <p>Each source has a budget of cancels that match nothing here ({@link CancelRateLimiter}); while
 * it is spent, its cancels are dropped unread. In a fleet a forwarded cancel counts too: this replica
 * cannot tell a guess from a cancel for a peer's session.
 */
public final class CancelDispatch {

  private final CancelKeys keys;
  private final Optional<FleetCancel> fleet;
  private final Supplier<ProxySettings.Cancel> settings;
  private final CancelRateLimiter limiter;
  private final CancelOutcomes outcomes;

  public CancelDispatch(CancelKeys keys, Optional<FleetCancel> fleet, Supplier<ProxySettings.Cancel> settings,
      MeterRegistry registry) {
    this.keys = keys;
    this.fleet = fleet;
    this.settings = settings;
    this.limiter = new CancelRateLimiter(new CancelRateLimiter.Budget() {
      @Override
      public double perSecond() {
        return settings.get().failuresPerSecond();
      }

      @Override
      public int burst() {
        return settings.get().failureBurst();
      }
    }, System::nanoTime);
    this.outcomes = new CancelOutcomes(registry);
  }

  /** With the default budget and meters of its own (tests that need no limits). */
  public CancelDispatch(CancelKeys keys, Optional<FleetCancel> fleet) {
    this(keys, fleet, () -> ProxySettings.Cancel.DEFAULTS, new SimpleMeterRegistry());
  }

  /** Starts the periodic summary line on the timer. */
  public void start(ScheduledExecutorService timer) {
    outcomes.start(timer, () -> settings.get().logInterval(), limiter::limitedSources);
  }

  public CancelKeys keys() {
    return keys;
  }

  /** A client's CancelRequest, from its socket's address. */
  public void fromClient(CancelRequest request, SocketAddress from) {
    InetAddress source = from instanceof InetSocketAddress address ? address.getAddress() : null;
    if (source != null && !limiter.allows(source)) {
      outcomes.rateLimited();
      return;
    }
    Optional<CancelTarget> owner = keys.find(request.processId(), request.secretKey());
    if (owner.isPresent()) {
      outcomes.matched();
      owner.get().cancelRunningQuery();
      return;
    }
    outcomes.unmatched();
    if (source != null) {
      limiter.failed(source);
    }
    fleet.ifPresent(peers -> peers.forward(request.processId(), request.secretKey()));
  }

  /** A peer replica's forward, from its socket's address. */
  public void fromPeer(PeerCancel message, SocketAddress from) {
    // Without a fleet secret nothing is authentic: the message is dropped like an unknown key.
    if (fleet.isPresent() && fleet.get().accept(message, from)) {
      keys.find(message.processId(), message.secretKey()).ifPresent(CancelTarget::cancelRunningQuery);
    }
  }
}
