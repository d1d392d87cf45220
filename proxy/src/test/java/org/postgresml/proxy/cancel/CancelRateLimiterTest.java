package org.postgresml.proxy.cancel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CancelRateLimiterTest {

  private final AtomicLong nanos = new AtomicLong();
  private final CancelRateLimiter limiter = new CancelRateLimiter(new CancelRateLimiter.Budget() {
    @Override
    public double perSecond() {
      return 2;
    }

    @Override
    public int burst() {
      return 5;
    }
  }, nanos::get);

  private static InetAddress address(String text) throws UnknownHostException {
    return InetAddress.getByName(text); // literals only: nothing is looked up
  }

  @Test
  void aSourceSpendsItsBurstThenGetsThePerSecondRate() throws Exception {
    InetAddress guesser = address("192.0.2.7");
    for (int i = 0; i < 5; i++) {
      assertThat(limiter.allows(guesser)).isTrue();
      limiter.failed(guesser);
    }
    assertThat(limiter.allows(guesser)).isFalse();
    assertThat(limiter.allows(address("192.0.2.8"))).as("another source has its own budget").isTrue();
    assertThat(limiter.limitedSources()).isEqualTo(1);
    nanos.addAndGet(499_000_000L);
    assertThat(limiter.allows(guesser)).isFalse();
    nanos.addAndGet(2_000_000L);
    assertThat(limiter.allows(guesser)).as("one token after half a second at 2/s").isTrue();
  }

  @Test
  void anIpv6HostIsOneSourceAcrossItsSlash64() throws Exception {
    for (int i = 0; i < 5; i++) {
      limiter.failed(address("2001:db8:1:2::" + Integer.toHexString(i + 1)));
    }
    assertThat(limiter.allows(address("2001:db8:1:2:ffff::9"))).isFalse();
    assertThat(limiter.allows(address("2001:db8:1:3::1"))).isTrue();
  }

  @Test
  void pastTheSourceBoundNewSourcesShareOneBudget() throws Exception {
    for (int i = 0; i < CancelRateLimiter.MAX_SOURCES; i++) {
      limiter.failed(address("10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff)));
    }
    for (int i = 0; i < 5; i++) {
      limiter.failed(address("172.16.0." + (i + 1)));
    }
    assertThat(limiter.allows(address("172.16.9.9"))).as("a new source once the overflow budget is spent").isFalse();
    nanos.addAndGet(10_000_000_000L);
    assertThat(limiter.allows(address("172.16.9.9"))).isTrue();
  }
}
