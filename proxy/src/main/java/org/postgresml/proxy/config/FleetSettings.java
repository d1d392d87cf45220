package org.postgresml.proxy.config;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Fleet-wide cancel (issue 9): where the other replicas are (a static list and/or a DNS name whose
 * addresses are the peers) and the shared secret that signs forwarded cancels. Without a secret the
 * proxy is a fleet of one: unknown cancel keys are ignored, never forwarded.
 */
public record FleetSettings(List<InetSocketAddress> peers, Optional<String> peersDns, Optional<byte[]> secret) {

  /** The shortest secret accepted: HMAC-SHA256 keys shorter than this are guessable. */
  public static final int MIN_SECRET_BYTES = 16;

  public static final FleetSettings NONE = new FleetSettings(List.of(), Optional.empty(), Optional.empty());

  /** "host:port" entries of a static list; a bad entry is named in the exception's message. */
  public static List<InetSocketAddress> parsePeers(List<String> entries) {
    List<InetSocketAddress> peers = new ArrayList<>();
    for (String entry : entries) {
      int colon = entry.lastIndexOf(':');
      int port = colon <= 0 ? -1 : portOf(entry.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("a fleet peer must be host:port, not '" + entry + "'");
      }
      peers.add(InetSocketAddress.createUnresolved(entry.substring(0, colon), port));
    }
    return peers;
  }

  private static int portOf(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  public boolean enabled() {
    return secret.isPresent();
  }

  /** Never prints the secret. */
  @Override
  public String toString() {
    return "FleetSettings[peers=" + peers + ", peersDns=" + peersDns.orElse("") + ", secret="
        + (secret.isPresent() ? "(set)" : "(none)") + "]";
  }
}
