package org.postgresml.proxy.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.backend.BackendKeyData;

class CancelKeysTest {

  @Test
  void keysCarryTheRealPidAndMapBack() {
    CancelKeys keys = new CancelKeys();
    CancelTarget session = session();
    BackendKeyData first = keys.register(1234, session);
    BackendKeyData second = keys.register(1234, session());
    assertThat(first.processId()).isEqualTo(1234);
    assertThat(second.secretKey()).isNotEqualTo(first.secretKey());
    assertThat(keys.find(1234, first.secretKey())).containsSame(session);
    assertThat(keys.find(1234, first.secretKey() ^ 1)).isEmpty();
    keys.remove(first);
    assertThat(keys.find(1234, first.secretKey())).isEmpty();
  }

  /**
   * With the pid known (session mode hands out the real backend's), the secret alone must hold 32
   * random bits, as PostgreSQL's: every bit of it varies, each about half the time.
   */
  @Test
  void everyBitOfTheSecretIsRandom() {
    CancelKeys keys = new CancelKeys();
    int samples = 20_000;
    int[] ones = new int[32];
    Set<Integer> topBytes = new HashSet<>();
    for (int i = 0; i < samples; i++) {
      int secret = keys.register(4242, session()).secretKey();
      for (int bit = 0; bit < 32; bit++) {
        ones[bit] += (secret >>> bit) & 1;
      }
      topBytes.add(secret >>> 24);
    }
    for (int bit = 0; bit < 32; bit++) {
      // 20,000 fair coin flips: 50% +- 2.5% is more than 7 standard deviations wide.
      assertThat(ones[bit]).as("bit %d set", bit).isBetween(samples * 475 / 1000, samples * 525 / 1000);
    }
    assertThat(topBytes).as("the top byte is no replica id").hasSizeGreaterThan(250);
  }

  /** A session as cancel routing sees it: something whose running query can be cancelled. */
  private static CancelTarget session() {
    return new CancelTarget() {
      @Override
      public void cancelRunningQuery() {}
    };
  }
}
