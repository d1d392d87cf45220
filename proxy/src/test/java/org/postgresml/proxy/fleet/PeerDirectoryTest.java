package org.postgresml.proxy.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.FleetSettings;

class PeerDirectoryTest {

  @Test
  void aStaticListAndADnsNameTogetherGiveThePeers() throws Exception {
    java.util.Map<String, java.net.InetAddress[]> dns = java.util.Map.of(
        "proxy-a", new java.net.InetAddress[] {java.net.InetAddress.getByName("127.0.0.4")},
        "peers.svc", new java.net.InetAddress[] {java.net.InetAddress.getByName("127.0.0.2"),
            java.net.InetAddress.getByName("127.0.0.3")});
    PeerDirectory directory = new PeerDirectory(FleetSettings.parsePeers(java.util.List.of("proxy-a:7432", "gone:1")),
        java.util.Optional.of("peers.svc"), 6432, name -> {
          if (!dns.containsKey(name)) {
            throw new java.net.UnknownHostException(name);
          }
          return dns.get(name);
        });
    assertThat(directory.peers()).extracting(java.net.InetSocketAddress::toString)
        .containsExactly("/127.0.0.4:7432", "/127.0.0.2:6432", "/127.0.0.3:6432");
    PeerDirectory unresolvable = new PeerDirectory(java.util.List.of(), java.util.Optional.of("gone.svc"), 6432,
        name -> {
          throw new java.net.UnknownHostException(name);
        });
    assertThat(unresolvable.peers()).isEmpty();
  }
}
