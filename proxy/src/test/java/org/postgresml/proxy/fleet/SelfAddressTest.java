package org.postgresml.proxy.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class SelfAddressTest {

  @Test
  void selfIsThisPortOnALocalAddress() {
    SelfAddress self = new SelfAddress(() -> 6432);
    assertThat(self.test(new InetSocketAddress("127.0.0.1", 6432))).isTrue();
    assertThat(self.test(new InetSocketAddress("127.0.0.1", 6433))).isFalse();
    assertThat(self.test(new InetSocketAddress("192.0.2.10", 6432))).as("TEST-NET-1, never local").isFalse();
    assertThat(self.test(InetSocketAddress.createUnresolved("proxy-0", 6432))).isFalse();
  }
}
