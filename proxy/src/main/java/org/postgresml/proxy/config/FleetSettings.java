package org.postgresml.proxy.config;

import java.net.InetSocketAddress;
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
