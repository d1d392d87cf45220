package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.backend.BackendKeyData;

class CancelKeysTest {

  @Test
  void keysCarryTheRealPidAndTheReplicaAndMapBack() {
    CancelKeys keys = new CancelKeys(7);
    ClientSession session = new ClientSession(null);
    BackendKeyData first = keys.register(1234, session);
    BackendKeyData second = keys.register(1234, new ClientSession(null));
    assertThat(first.processId()).isEqualTo(1234);
    assertThat(CancelKeys.replicaOf(first.secretKey())).isEqualTo(7);
    assertThat(second.secretKey()).isNotEqualTo(first.secretKey());
    assertThat(keys.find(1234, first.secretKey())).containsSame(session);
    assertThat(keys.find(1234, first.secretKey() ^ 1)).isEmpty();
    keys.remove(first);
    assertThat(keys.find(1234, first.secretKey())).isEmpty();
  }

  @Test
  void replicaIdsUseTheTopByte() {
    BackendKeyData key = new CancelKeys(255).register(1, new ClientSession(null));
    assertThat(CancelKeys.replicaOf(key.secretKey())).isEqualTo(255);
  }
}
