package org.postgresml.proxy.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.ClientAuthMethod;

class AdminAccessTest {

  // Addresses only: nothing connects to them.
  private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);
  private static final InetSocketAddress LOOPBACK_V6 = new InetSocketAddress("::1", 40000);
  private static final InetSocketAddress NETWORK = new InetSocketAddress("10.0.0.7", 40000);

  private final AdminAccess access = new AdminAccess(() -> List.of("ops"), null);

  @Test
  void onlyAdminUsers() {
    assertThat(access.refusal("ops", NETWORK, ClientAuthMethod.SCRAM_SHA_256)).isEmpty();
    assertThat(access.refusal("app", LOOPBACK, ClientAuthMethod.SCRAM_SHA_256)).hasValueSatisfying(
        message -> assertThat(message).contains("not an admin"));
  }

  @Test
  void trustOpensTheConsoleOnlyToLoopback() {
    assertThat(access.refusal("ops", NETWORK, ClientAuthMethod.TRUST)).hasValueSatisfying(
        message -> assertThat(message).contains("loopback"));
    assertThat(access.refusal("ops", LOOPBACK, ClientAuthMethod.TRUST)).isEmpty();
    assertThat(access.refusal("ops", LOOPBACK_V6, ClientAuthMethod.TRUST)).isEmpty();
    assertThat(access.refusal("app", LOOPBACK, ClientAuthMethod.TRUST)).isPresent();
  }
}
