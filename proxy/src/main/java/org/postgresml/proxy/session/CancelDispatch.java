package org.postgresml.proxy.session;

import java.net.SocketAddress;
import java.util.Optional;
import org.postgresml.proxy.fleet.FleetCancel;
import org.postgresml.proxy.fleet.PeerCancel;
import org.postgresml.proxy.protocol.frontend.CancelRequest;

/**
 * Where a cancel goes. A client's CancelRequest cancels the local session that owns the key; a key
 * this replica does not hold is forwarded once to the peers when a fleet is configured. It is
 * forwarded even when the key names this replica: ids derived from host names can collide, and the
 * only cost is one fan-out for a cancel that raced its session's end. A peer's forward cancels
 * locally only, and only when authentic.
 */
public final class CancelDispatch {

  private final CancelKeys keys;
  private final Optional<FleetCancel> fleet;

  public CancelDispatch(CancelKeys keys, Optional<FleetCancel> fleet) {
    this.keys = keys;
    this.fleet = fleet;
  }

  public CancelKeys keys() {
    return keys;
  }

  void fromClient(CancelRequest request) {
    Optional<ClientSession> owner = keys.find(request.processId(), request.secretKey());
    if (owner.isPresent()) {
      owner.get().cancelRunningQuery();
    } else {
      fleet.ifPresent(peers -> peers.forward(request.processId(), request.secretKey()));
    }
  }

  void fromPeer(PeerCancel message, SocketAddress from) {
    // Without a fleet secret nothing is authentic: the message is dropped like an unknown key.
    if (fleet.isPresent() && fleet.get().accept(message, from)) {
      keys.find(message.processId(), message.secretKey()).ifPresent(ClientSession::cancelRunningQuery);
    }
  }
}
