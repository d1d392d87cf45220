package org.postgresml.proxy.fleet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The other replicas of the fleet: a static list of host:port, and/or every address a DNS name
 * resolves to (a Kubernetes headless Service lists one per ready pod), asked afresh at each cancel
 * so that scaling the fleet needs no configuration change.
 */
public final class PeerDirectory {

  private final List<InetSocketAddress> staticPeers;
  private final Optional<String> dnsName;
  private final int peerPort;
  private final Resolver resolver;

  public PeerDirectory(List<InetSocketAddress> staticPeers, Optional<String> dnsName, int peerPort) {
    this(staticPeers, dnsName, peerPort, InetAddress::getAllByName);
  }

  PeerDirectory(List<InetSocketAddress> staticPeers, Optional<String> dnsName, int peerPort, Resolver resolver) {
    this.staticPeers = List.copyOf(staticPeers);
    this.dnsName = dnsName;
    this.peerPort = peerPort;
    this.resolver = resolver;
  }

  public boolean isEmpty() {
    return staticPeers.isEmpty() && dnsName.isEmpty();
  }

  /**
   * Every peer known now, resolved. Blocks on DNS: call it off the event loops. A name that does not
   * resolve adds none (no ready pod right now); the others still count.
   */
  public Set<InetSocketAddress> peers() {
    Set<InetSocketAddress> peers = new LinkedHashSet<>();
    for (InetSocketAddress peer : staticPeers) {
      for (InetAddress address : resolve(peer.getHostString())) {
        peers.add(new InetSocketAddress(address, peer.getPort()));
      }
    }
    dnsName.ifPresent(name -> {
      for (InetAddress address : resolve(name)) {
        peers.add(new InetSocketAddress(address, peerPort));
      }
    });
    return peers;
  }

  private InetAddress[] resolve(String name) {
    try {
      return resolver.resolve(name);
    } catch (UnknownHostException e) {
      return new InetAddress[0];
    }
  }

  /** DNS lookup, replaceable in tests. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String name) throws UnknownHostException;
  }
}
