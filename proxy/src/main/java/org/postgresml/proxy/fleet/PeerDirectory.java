package org.postgresml.proxy.fleet;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
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

  /** "host:port" entries of a static list. */
  public static List<InetSocketAddress> parse(List<String> entries) {
    List<InetSocketAddress> peers = new ArrayList<>();
    for (String entry : entries) {
      int colon = entry.lastIndexOf(':');
      if (colon <= 0 || colon == entry.length() - 1) {
        throw new IllegalArgumentException("fleet peer must be host:port, not '" + entry + "'");
      }
      peers.add(InetSocketAddress.createUnresolved(entry.substring(0, colon),
          Integer.parseInt(entry.substring(colon + 1))));
    }
    return peers;
  }

  public boolean isEmpty() {
    return staticPeers.isEmpty() && dnsName.isEmpty();
  }

  /** Every peer known now; a DNS name that does not resolve adds none (and the static ones still count). */
  public Set<InetSocketAddress> peers() {
    Set<InetSocketAddress> peers = new LinkedHashSet<>(staticPeers);
    if (dnsName.isPresent()) {
      try {
        for (InetAddress address : resolver.resolve(dnsName.get())) {
          peers.add(new InetSocketAddress(address, peerPort));
        }
      } catch (UnknownHostException e) {
        // no ready peer registered under the name right now
      }
    }
    return peers;
  }

  /** DNS lookup, replaceable in tests. */
  @FunctionalInterface
  interface Resolver {
    InetAddress[] resolve(String name) throws UnknownHostException;
  }
}
