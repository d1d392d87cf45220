package org.postgresml.proxy.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.config.model.ConfigFile;

/** The {@code fleet:} part of the settings: flags over environment over file; the secret only from a file. */
final class FleetSettingsResolver {

  private final CliOptions cli;
  private final Map<String, String> env;
  private final ConfigFile.Fleet file;

  FleetSettingsResolver(CliOptions cli, Map<String, String> env, ConfigFile.Fleet file) {
    this.cli = cli;
    this.env = env;
    this.file = file;
  }

  FleetSettings resolve() {
    List<String> peerTexts = cli.fleetPeers != null ? cli.fleetPeers : file.peers() != null ? file.peers() : List.of();
    List<java.net.InetSocketAddress> peers;
    try {
      peers = FleetSettings.parsePeers(peerTexts.stream().map(String::trim).filter(text -> !text.isEmpty()).toList());
    } catch (IllegalArgumentException e) {
      throw new ConfigException("--fleet-peers: " + e.getMessage(), e);
    }
    Optional<String> dns = Optional.ofNullable(cli.fleetPeersDns != null ? cli.fleetPeersDns
        : env.get(SettingsResolver.ENV_FLEET_PEERS_DNS) != null ? env.get(SettingsResolver.ENV_FLEET_PEERS_DNS)
        : file.peersDns()).map(String::trim).filter(name -> !name.isEmpty());
    Optional<Path> secretFile = Optional.ofNullable(cli.fleetSecretFile != null ? cli.fleetSecretFile
        : env.get(SettingsResolver.ENV_FLEET_SECRET_FILE) != null
            ? Path.of(env.get(SettingsResolver.ENV_FLEET_SECRET_FILE))
            : file.peerSecretFile() != null ? Path.of(file.peerSecretFile()) : null);
    Optional<byte[]> secret = secretFile.map(FleetSettingsResolver::readSecret);
    if (secret.isEmpty() && (!peers.isEmpty() || dns.isPresent())) {
      throw new ConfigException("fleet peers need a shared secret: --fleet-secret-file FILE");
    }
    return new FleetSettings(peers, dns, secret);
  }

  /** The file's bytes, less a trailing newline; its content never goes into a message. */
  private static byte[] readSecret(Path file) {
    byte[] secret = SecretFile.read("fleet secret file", file).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (secret.length < FleetSettings.MIN_SECRET_BYTES) {
      throw new ConfigException("fleet secret file " + file + " must hold at least " + FleetSettings.MIN_SECRET_BYTES
          + " bytes");
    }
    return secret;
  }
}
