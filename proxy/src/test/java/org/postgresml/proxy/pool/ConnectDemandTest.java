package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.PoolSettings;
import org.postgresml.proxy.pool.ConnectDemand.Open;

/** Whether a pool opens another connection, as plain calls: the counts and the time are arguments. */
class ConnectDemandTest {

  private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
  private static final Duration SECOND = Duration.ofSeconds(1);

  private final ConnectDemand demand = new ConnectDemand();
  private final long now = 1_000_000 * MILLI;

  private static PoolSettings settings(int size, int minSize) {
    return new PoolSettings(size, minSize, SECOND, SECOND, Duration.ofHours(1), 0, SECOND, SECOND);
  }

  @Test
  void oneConnectPerWaiterThatNoConnectionBeingCheckedWillServe() {
    assertThat(demand.openAnother(0, 0, 2, false, settings(5, 0), now)).isEqualTo(Open.YES);
    demand.started();
    assertThat(demand.openAnother(0, 0, 2, false, settings(5, 0), now)).isEqualTo(Open.YES);
    demand.started();
    assertThat(demand.openAnother(0, 0, 2, false, settings(5, 0), now)).isEqualTo(Open.NOT_NEEDED);
    // Two connections out for a health check may serve both waiters: none is opened for them.
    assertThat(new ConnectDemand().openAnother(2, 2, 2, false, settings(5, 0), now)).isEqualTo(Open.NOT_NEEDED);
  }

  @Test
  void aPausedPoolOpensForItsWarmMinimumOnly() {
    assertThat(demand.openAnother(0, 0, 3, true, settings(5, 0), now)).isEqualTo(Open.NOT_NEEDED);
    assertThat(demand.openAnother(1, 0, 3, true, settings(5, 2), now)).isEqualTo(Open.YES);
    assertThat(demand.openAnother(2, 0, 3, true, settings(5, 2), now)).isEqualTo(Open.NOT_NEEDED);
  }

  @Test
  void theSizeCountsTheConnectsUnderWay() {
    demand.started();
    assertThat(demand.openAnother(1, 0, 3, false, settings(2, 0), now)).isEqualTo(Open.AT_CAP);
    assertThat(demand.connecting()).isOne();
  }

  @Test
  void aFailureHoldsConnectsBackForItsDelayWithOneRetryAtATimeAndASuccessEndsIt() {
    demand.started();
    demand.failed(new ConnectException("refused"), now);
    assertThat(demand.connecting()).isZero();
    assertThat(demand.openAnother(0, 0, 1, false, settings(5, 0), now + 49 * MILLI)).isEqualTo(Open.BACKING_OFF);
    assertThat(demand.openAnother(0, 0, 1, false, settings(5, 0), now + 50 * MILLI)).isEqualTo(Open.YES);
    assertThat(demand.claimRetry(now)).isEqualTo(50 * MILLI);
    assertThat(demand.claimRetry(now)).as("one retry pending already").isZero();
    demand.retryFinished();
    assertThat(demand.claimRetry(now + 10 * MILLI)).isEqualTo(40 * MILLI);

    demand.started();
    demand.succeeded();
    assertThat(demand.lastFailure()).isEmpty();
    assertThat(demand.openAnother(0, 0, 1, false, settings(5, 0), now)).isEqualTo(Open.YES);
  }

  @Test
  void aClientThatWaitedInVainIsToldWhatIsTrue() {
    assertThat(demand.whyNoConnection("app@db", 2, 2, SECOND)).isInstanceOf(PoolExhaustedException.class);
    demand.started();
    assertThat(demand.whyNoConnection("app@db", 0, 2, SECOND)).isInstanceOf(ConnectPendingException.class)
        .hasMessageContaining("app@db");
    ConnectException refused = new ConnectException("refused");
    demand.failed(refused, now);
    assertThat(demand.whyNoConnection("app@db", 0, 2, SECOND)).isSameAs(refused);
  }
}
