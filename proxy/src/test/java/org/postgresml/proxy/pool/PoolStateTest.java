package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.PoolSettings;

/**
 * Every rule of the pool as a plain call on its locked state: no timer, no thread, no socket; the
 * time is a number the test moves. {@link PoolTest} runs the same rules through the real pool.
 */
class PoolStateTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final Duration QUERY_WAIT = Duration.ofSeconds(30);
  private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration LIFETIME = Duration.ofHours(1);
  private static final Duration IDLE_CHECK = Duration.ofSeconds(30);
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  private long now = 1_000 * SECOND;
  private PoolState<Conn> state;

  private static PoolSettings settings(int size, int minSize) {
    return settings(size, minSize, 0);
  }

  private static PoolSettings settings(int size, int minSize, double jitter) {
    return new PoolSettings(size, minSize, QUERY_WAIT, IDLE_TIMEOUT, LIFETIME, jitter, IDLE_CHECK, CONNECT_TIMEOUT);
  }

  private PoolState<Conn> state(PoolSettings settings) {
    state = new PoolState<>("app@db", settings, now, () -> 0.5);
    return state;
  }

  private PoolWaiter<Conn> waiter(Object affinity) {
    return new PoolWaiter<>(new CompletableFuture<>(), now, affinity);
  }

  private void advance(Duration by) {
    now += by.toNanos();
  }

  /** A client that asks, the connect the state decides for it, and that connect's login: the client holds it. */
  private Conn held(Object affinity) {
    PoolWaiter<Conn> waiter = waiter(affinity);
    PoolActions<Conn> asked = state.acquire(waiter, now);
    if (waiter.served) {
      return waiter.connection;
    }
    assertThat(asked.connects).as("a connect for the waiter").hasSize(1);
    Conn connection = new Conn(asked.connects.get(0));
    assertThat(served(state.connected(connection, asked.connectGeneration, now))).containsExactly(waiter);
    return connection;
  }

  private PoolEntry<Conn> entryOf(Conn connection) {
    return state.connections().find(connection);
  }

  private static List<PoolWaiter<Conn>> served(PoolActions<Conn> actions) {
    List<PoolWaiter<Conn>> served = new ArrayList<>();
    for (PoolWaiter<Conn> w = actions == null ? null : actions.firstServed; w != null; w = w.next) {
      served.add(w);
    }
    return served;
  }

  private static List<PoolWaiter<Conn>> failed(PoolActions<Conn> actions) {
    List<PoolWaiter<Conn>> failed = new ArrayList<>();
    for (PoolWaiter<Conn> w = actions == null ? null : actions.firstFailed; w != null; w = w.next) {
      failed.add(w);
    }
    return failed;
  }

  private static List<CloseReason> closed(PoolActions<Conn> actions) {
    List<CloseReason> reasons = new ArrayList<>();
    if (actions != null && actions.closes != null) {
      actions.closes.forEach(entry -> reasons.add(entry.closeReason));
    }
    return reasons;
  }

  private static int connects(PoolActions<Conn> actions) {
    return actions == null ? 0 : actions.connectCount();
  }

  // --- sizes ---

  @Test
  void theWarmMinimumOpensWithoutClientsAndStaysOpen() {
    state(settings(5, 3));
    PoolActions<Conn> started = state.start(now);
    assertThat(started.connects).containsExactly(null, null, null); // nobody waits: no loop to prefer
    for (int i = 0; i < 3; i++) {
      assertThat(connects(state.connected(new Conn(null), started.connectGeneration, now))).isZero();
    }
    assertThat(state.stats(now).idle()).isEqualTo(3);
    assertThat(state.openAnother(now)).isEqualTo(ConnectDemand.Open.NOT_NEEDED);
  }

  @Test
  void neverMoreConnectionsOpenOrOpeningThanTheSize() {
    state(settings(2, 0));
    assertThat(connects(state.acquire(waiter(null), now))).isOne();
    assertThat(connects(state.acquire(waiter(null), now))).isOne();
    PoolActions<Conn> third = state.acquire(waiter(null), now);
    assertThat(connects(third)).isZero();
    assertThat(state.openAnother(now)).isEqualTo(ConnectDemand.Open.AT_CAP);
    assertThat(state.stats(now)).isEqualTo(new PoolStats(0, 0, 0, 0, 2, 3, 0, false));
  }

  @Test
  void aReleasedConnectionAboveASmallerSizeClosesAndASmallerSizeClosesIdleOnesOldestFirst() {
    state(settings(3, 0));
    Conn a = held(null);
    Conn b = held(null);
    Conn c = held(null);
    assertThat(state.updateSettings(settings(2, 0), now)).as("all held: none to close yet").isNull();
    assertThat(state.releaseVerdict(entryOf(c), true, now)).isEqualTo(Verdict.POOL_SHRUNK);
    assertThat(closed(state.release(c, true, now))).containsExactly(CloseReason.POOL_SHRUNK);
    state.release(a, true, now);
    state.release(b, true, now);
    assertThat(closed(state.updateSettings(settings(1, 0), now))).containsExactly(CloseReason.POOL_SHRUNK);
    assertThat(a.isOpenIn(state)).as("the least recently released goes").isFalse();
    assertThat(b.isOpenIn(state)).isTrue();
  }

  // --- which connection a waiter gets ---

  @Test
  void waitersAreServedFirstComeFirstServed() {
    state(settings(1, 0));
    Conn only = held(null);
    PoolWaiter<Conn> second = waiter(null);
    advance(Duration.ofMillis(1));
    PoolWaiter<Conn> third = waiter(null);
    assertThat(state.acquire(second, now)).isNull(); // at the cap: nothing to do but wait
    state.acquire(third, now);
    advance(Duration.ofMillis(5));

    PoolActions<Conn> released = state.release(only, true, now);
    assertThat(served(released)).containsExactly(second);
    assertThat(second.connection).isSameAs(only);
    assertThat(second.waitedNanos).isEqualTo(Duration.ofMillis(6).toNanos());
    assertThat(served(state.release(only, true, now))).containsExactly(third);
  }

  @Test
  void oneReleaseServesOneWaiterAndTwoIdleConnectionsServeTwoInOrder() {
    state(settings(2, 0));
    Conn a = held(null);
    Conn b = held(null);
    state.release(a, true, now);
    state.release(b, true, now);
    state.pause(new CompletableFuture<>());
    PoolWaiter<Conn> first = waiter(null);
    PoolWaiter<Conn> second = waiter(null);
    state.acquire(first, now);
    state.acquire(second, now);
    PoolActions<Conn> resumed = state.resume(now);
    assertThat(served(resumed)).containsExactly(first, second);
    assertThat(first.connection).as("the most recently released first").isSameAs(b);
    assertThat(second.connection).isSameAs(a);
  }

  @Test
  void aWaiterGetsTheMostRecentlyReleasedConnectionOfItsOwnLoopElseTheMostRecent() {
    state(settings(4, 0));
    Conn a1 = held("loop-a");
    Conn a2 = held("loop-a");
    Conn b = held("loop-b");
    state.release(a1, true, now);
    state.release(a2, true, now);
    state.release(b, true, now);
    assertThat(held("loop-a")).isSameAs(a2);
    assertThat(held("loop-c")).as("no match: the most recent").isSameAs(b);
    assertThat(held(null)).isSameAs(a1);
  }

  @Test
  void aFreeConnectionIsTakenAtOnceWithoutAWaiterByTheSameRules() {
    state(settings(3, 0));
    Conn a = held("loop-a");
    Conn b = held("loop-b");
    Conn gone = held("loop-a");
    state.release(a, true, now);
    state.release(b, true, now);
    state.release(gone, true, now);
    gone.usable = false;
    assertThat(state.takeAtOnce("loop-a", now)).as("its loop's most recent usable one").isSameAs(a);
    assertThat(closed(state.decided())).as("the gone one closed on the way").containsExactly(CloseReason.SERVER_GONE);
    assertThat(state.stats(now)).isEqualTo(new PoolStats(1, 1, 0, 0, 0, 0, 0, false));

    advance(IDLE_CHECK.plusSeconds(1));
    assertThat(state.takeAtOnce(null, now)).as("a stale one is checked, not handed out").isNull();
    assertThat(state.decided().checks).hasSize(1);
  }

  @Test
  void nothingIsTakenAtOnceWhilePausedOrClosed() {
    state(settings(2, 0));
    Conn connection = held(null);
    state.release(connection, true, now);
    state.pause(new CompletableFuture<>());
    assertThat(state.takeAtOnce(null, now)).isNull();
    state.resume(now);
    state.close();
    assertThat(state.takeAtOnce(null, now)).isNull();
  }

  @Test
  void aNewConnectionOpensWhereTheWaiterItWillServeLives() {
    state(settings(4, 0));
    assertThat(state.acquire(waiter("loop-a"), now).connects).containsExactly("loop-a");
    assertThat(state.acquire(waiter("loop-b"), now).connects).containsExactly("loop-b");
  }

  @Test
  void anIdleConnectionWhoseSocketClosedIsClosedAndTheNextOneServes() {
    state(settings(2, 0));
    Conn a = held(null);
    Conn b = held(null);
    state.release(a, true, now);
    state.release(b, true, now);
    b.usable = false;
    PoolWaiter<Conn> waiter = waiter(null);
    PoolActions<Conn> acquired = state.acquire(waiter, now);
    assertThat(closed(acquired)).containsExactly(CloseReason.SERVER_GONE);
    assertThat(served(acquired)).containsExactly(waiter);
    assertThat(waiter.connection).isSameAs(a);
    assertThat(connects(acquired)).as("no waiter left to open one for").isZero();
  }

  @Test
  void aStaleIdleConnectionIsCheckedBeforeItServesAndServesWhenHealthy() {
    state(settings(2, 0)); // room for another: the check, not the cap, is why none opens
    Conn stale = held(null);
    state.release(stale, true, now);
    advance(IDLE_CHECK.plusSeconds(1));
    assertThat(state.stats(now).stale()).isOne();

    PoolWaiter<Conn> waiter = waiter(null);
    PoolActions<Conn> acquired = state.acquire(waiter, now);
    assertThat(waiter.served).isFalse();
    assertThat(acquired.checks).hasSize(1);
    assertThat(acquired.checkLimitNanos).as("bounded by the connect timeout").isEqualTo(CONNECT_TIMEOUT.toNanos());
    assertThat(connects(acquired)).as("the checked one will likely serve it").isZero();
    assertThat(state.stats(now).checking()).isOne();

    assertThat(served(state.checked(acquired.checks.get(0), true, now))).containsExactly(waiter);
    assertThat(waiter.connection).isSameAs(stale);
  }

  @Test
  void aFailedCheckClosesTheConnectionAndOpensOneForTheWaiter() {
    state(settings(1, 0));
    Conn stale = held(null);
    state.release(stale, true, now);
    advance(IDLE_CHECK.plusSeconds(1));
    PoolActions<Conn> acquired = state.acquire(waiter(null), now);
    PoolActions<Conn> checked = state.checked(acquired.checks.get(0), false, now);
    assertThat(closed(checked)).containsExactly(CloseReason.HEALTH_CHECK_FAILED);
    assertThat(connects(checked)).isOne();
  }

  @Test
  void aConnectionDiscardedWhileItsCheckRanStaysClosed() {
    state(settings(1, 0));
    Conn stale = held(null);
    state.release(stale, true, now);
    advance(IDLE_CHECK.plusSeconds(1));
    PoolEntry<Conn> checking = state.sweep(now).checks.get(0);
    assertThat(closed(state.discard(stale, CloseReason.SERVER_GONE, now))).containsExactly(CloseReason.SERVER_GONE);
    PoolActions<Conn> checked = state.checked(checking, true, now);
    assertThat(closed(checked)).isEmpty();
    assertThat(state.stats(now)).isEqualTo(PoolStats.EMPTY);
  }

  // --- why a released connection is kept or closed ---

  @Test
  void aCleanReleaseKeepsTheConnectionAndDecidesNothingElse() {
    state(settings(2, 0));
    Conn connection = held(null);
    assertThat(state.release(connection, true, now)).as("no actions, nothing allocated").isNull();
    assertThat(state.stats(now).idle()).isOne();
  }

  @Test
  void aReleaseTheSessionDidNotLeaveCleanOrOfADeadSocketIsDirty() {
    state(settings(2, 0));
    Conn dirty = held(null);
    Conn dead = held(null);
    dead.usable = false;
    assertThat(state.releaseVerdict(entryOf(dirty), false, now)).isEqualTo(Verdict.DIRTY);
    assertThat(state.releaseVerdict(entryOf(dead), true, now)).isEqualTo(Verdict.DIRTY);
    assertThat(closed(state.release(dirty, false, now))).containsExactly(CloseReason.DIRTY);
  }

  @Test
  void aConnectionPastItsJitteredLifetimeClosesOnRelease() {
    state(settings(2, 0, 0.1)); // jitter draw 0.5: this connection's lifetime is 95% of an hour
    Conn connection = held(null);
    assertThat(state.connections().lifetimeNanos(state.settings())).isEqualTo((long) (LIFETIME.toNanos() * 0.95));
    advance(Duration.ofMinutes(56)); // 93%
    assertThat(state.releaseVerdict(entryOf(connection), true, now)).isEqualTo(Verdict.KEEP);
    advance(Duration.ofMinutes(2)); // 96.7%
    assertThat(state.releaseVerdict(entryOf(connection), true, now)).isEqualTo(Verdict.LIFETIME);
  }

  @Test
  void withoutJitterTheLifetimeIsExact() {
    state(settings(2, 0, 0));
    Conn connection = held(null);
    now += LIFETIME.toNanos() - 1;
    assertThat(state.releaseVerdict(entryOf(connection), true, now)).isEqualTo(Verdict.KEEP);
    now += 1;
    assertThat(closed(state.release(connection, true, now))).containsExactly(CloseReason.LIFETIME);
  }

  @Test
  void aConnectionReleasedAfterItWasDiscardedClosesWithoutCountingAgain() {
    state(settings(2, 0));
    Conn connection = held(null);
    assertThat(closed(state.discard(connection, CloseReason.SERVER_GONE, now))).containsExactly(CloseReason.SERVER_GONE);
    PoolActions<Conn> released = state.release(connection, true, now);
    assertThat(released.stray).isSameAs(connection);
    assertThat(released.strayReason).isEqualTo(CloseReason.DRAINED);
    assertThat(closed(released)).isEmpty();
  }

  // --- drain generations ---

  @Test
  void drainClosesIdleConnectionsNowHeldOnesOnReleaseAndConnectsThatFinishLate() {
    state(settings(3, 3));
    PoolActions<Conn> started = state.start(now);
    assertThat(connects(started)).isEqualTo(3);
    state.connected(new Conn(null), started.connectGeneration, now);
    state.connected(new Conn(null), started.connectGeneration, now);
    Conn held = held(null); // one idle left, one connect still logging in

    PoolActions<Conn> drained = state.drain(now);
    assertThat(closed(drained)).containsExactly(CloseReason.DRAINED);
    assertThat(connects(drained)).as("the minimum refills in the new generation").isOne();
    assertThat(drained.connectGeneration).isNotEqualTo(started.connectGeneration);
    assertThat(state.releaseVerdict(entryOf(held), true, now)).isEqualTo(Verdict.DRAINED);
    assertThat(state.checkVerdict(entryOf(held), true)).isEqualTo(Verdict.DRAINED);

    PoolActions<Conn> late = state.connected(new Conn(null), started.connectGeneration, now);
    assertThat(late.strayReason).isEqualTo(CloseReason.DRAINED);
    assertThat(connects(late)).as("replaced in the new generation").isOne();
    assertThat(closed(state.release(held, true, now))).containsExactly(CloseReason.DRAINED);
  }

  // --- maintenance rounds ---

  @Test
  void idleConnectionsPastTheIdleTimeoutCloseOldestFirstDownToTheMinimum() {
    state(new PoolSettings(3, 1, QUERY_WAIT, IDLE_TIMEOUT, LIFETIME, 0, Duration.ofHours(1), CONNECT_TIMEOUT));
    Conn a = held(null);
    Conn b = held(null);
    Conn c = held(null);
    state.release(a, true, now);
    advance(Duration.ofSeconds(1));
    state.release(b, true, now);
    state.release(c, true, now);
    advance(IDLE_TIMEOUT.minusSeconds(1));
    assertThat(closed(state.sweep(now))).as("a idled for the timeout, b and c not yet")
        .containsExactly(CloseReason.IDLE_TIMEOUT);
    assertThat(a.isOpenIn(state)).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(closed(state.sweep(now))).containsExactly(CloseReason.IDLE_TIMEOUT);
    assertThat(b.isOpenIn(state)).isFalse();
    assertThat(c.isOpenIn(state)).as("the minimum stays").isTrue();
    advance(IDLE_TIMEOUT);
    assertThat(state.sweep(now)).isNull();
  }

  @Test
  void aConnectionPastItsLifetimeClosesAtARoundEvenAtTheMinimumAndIsReplaced() {
    state(settings(2, 1));
    PoolActions<Conn> started = state.start(now);
    state.connected(new Conn(null), started.connectGeneration, now);
    advance(LIFETIME);
    PoolActions<Conn> swept = state.sweep(now);
    assertThat(closed(swept)).containsExactly(CloseReason.LIFETIME);
    assertThat(connects(swept)).isOne();
  }

  @Test
  void anIdleConnectionPastTheCheckIntervalIsCheckedAtARoundAndGoesBackIdleWhenHealthy() {
    state(settings(2, 1));
    PoolActions<Conn> started = state.start(now);
    state.connected(new Conn(null), started.connectGeneration, now);
    advance(IDLE_CHECK);
    assertThat(state.sweep(now)).as("not past it yet").isNull();
    advance(Duration.ofNanos(1));
    PoolActions<Conn> swept = state.sweep(now);
    assertThat(swept.checks).hasSize(1);
    assertThat(connects(swept)).as("a connection being checked counts toward the minimum").isZero();
    assertThat(state.checked(swept.checks.get(0), true, now)).isNull();
    assertThat(state.stats(now)).isEqualTo(new PoolStats(0, 1, 0, 0, 0, 0, 0, false));
  }

  @Test
  void anIdleConnectionWhoseSocketClosedGoesAtARound() {
    state(settings(2, 1));
    PoolActions<Conn> started = state.start(now);
    Conn gone = new Conn(null);
    state.connected(gone, started.connectGeneration, now);
    gone.usable = false;
    PoolActions<Conn> swept = state.sweep(now);
    assertThat(closed(swept)).containsExactly(CloseReason.SERVER_GONE);
    assertThat(connects(swept)).isOne();
  }

  // --- pause ---

  @Test
  void pauseHoldsNewClientsCompletesWhenNothingIsHeldAndResumeServesThem() {
    state(settings(2, 0));
    Conn connection = held(null);
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    assertThat(state.pause(quiet)).as("a connection is held").isNull();
    PoolWaiter<Conn> waiter = waiter(null);
    assertThat(connects(state.acquire(waiter, now))).as("no connect for a held client").isZero();
    PoolActions<Conn> released = state.release(connection, true, now);
    assertThat(released.quietPauses).containsExactly(quiet);
    assertThat(served(released)).isEmpty();
    assertThat(served(state.resume(now))).containsExactly(waiter);
  }

  @Test
  void aPausedPoolStillKeepsItsWarmMinimum() {
    state(settings(3, 2));
    state.pause(new CompletableFuture<>());
    assertThat(connects(state.start(now))).isEqualTo(2);
  }

  // --- connects and back-off ---

  @Test
  void aFailedConnectBacksOffAndAsksForOneRetryAtATime() {
    state(settings(2, 0));
    PoolWaiter<Conn> waiter = waiter(null);
    state.acquire(waiter, now);
    ConnectException refused = new ConnectException("refused");
    PoolActions<Conn> failed = state.connectFailed(refused, false, now);
    assertThat(connects(failed)).isZero();
    assertThat(failed.retryAfterNanos).isEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
    assertThat(state.openAnother(now)).isEqualTo(ConnectDemand.Open.BACKING_OFF);
    assertThat(state.acquire(waiter(null), now)).as("a retry is pending already").isNull();

    advance(Duration.ofMillis(50));
    PoolActions<Conn> retried = state.retryDue(now);
    assertThat(connects(retried)).isEqualTo(2);
    PoolActions<Conn> again = state.connectFailed(refused, false, now);
    assertThat(again == null ? 0 : again.retryAfterNanos).as("not while the retry runs").isZero();
    state.retryFinished();
    PoolActions<Conn> third = state.connectFailed(refused, false, now);
    assertThat(third.retryAfterNanos).as("doubled twice").isEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
  }

  @Test
  void aSuccessfulConnectEndsTheBackOff() {
    state(settings(2, 0));
    state.acquire(waiter(null), now);
    state.connectFailed(new ConnectException("refused"), false, now);
    advance(Duration.ofMillis(50));
    PoolActions<Conn> retried = state.retryDue(now);
    state.retryFinished();
    state.connected(new Conn(null), retried.connectGeneration, now);
    assertThat(connects(state.acquire(waiter(null), now))).as("no back-off after a success").isOne();
    assertThat(state.whyNoConnection(Duration.ZERO)).as("the last error is forgotten")
        .isInstanceOf(ConnectPendingException.class);
  }

  @Test
  void waitersPastTheConnectTimeoutGetTheLastConnectErrorOthersKeepWaiting() {
    state(settings(3, 0));
    PoolWaiter<Conn> early = waiter(null);
    state.acquire(early, now);
    advance(Duration.ofSeconds(1));
    PoolWaiter<Conn> late = waiter(null);
    state.acquire(late, now);
    advance(CONNECT_TIMEOUT.minusSeconds(1));
    ConnectException refused = new ConnectException("refused");
    PoolActions<Conn> failed = state.connectFailed(refused, false, now);
    assertThat(failed(failed)).containsExactly(early);
    assertThat(early.failure).isSameAs(refused);
    assertThat(state.stats(now).waiting()).isOne();
  }

  @Test
  void aPermanentConnectErrorReachesEveryWaiterAtOnce() {
    state(settings(3, 0));
    PoolWaiter<Conn> first = waiter(null);
    PoolWaiter<Conn> second = waiter(null);
    state.acquire(first, now);
    state.acquire(second, now);
    ConnectException missing = new ConnectException("database does not exist");
    assertThat(failed(state.connectFailed(missing, true, now))).containsExactly(first, second);
  }

  @Test
  void aClientThatWaitedInVainIsToldWhatIsTrue() {
    state(settings(1, 0));
    state.acquire(waiter(null), now);
    assertThat(state.whyNoConnection(QUERY_WAIT)).as("room, a connect under way, no answer")
        .isInstanceOf(ConnectPendingException.class).hasMessageContaining("1 being opened");
    ConnectException refused = new ConnectException("refused");
    state.connectFailed(refused, false, now);
    assertThat(state.whyNoConnection(QUERY_WAIT)).isSameAs(refused);
    advance(Duration.ofSeconds(1));
    PoolActions<Conn> retried = state.retryDue(now);
    state.connected(new Conn(null), retried.connectGeneration, now);
    assertThat(state.whyNoConnection(QUERY_WAIT)).as("every connection in use")
        .isInstanceOf(PoolExhaustedException.class).hasMessageContaining("all 1 are in use");
  }

  @Test
  void aWaiterServedOrFailedCannotExpireAndAnExpiredOneLeavesTheQueue() {
    state(settings(1, 0));
    PoolWaiter<Conn> served = waiter(null);
    state.acquire(served, now);
    PoolWaiter<Conn> waiting = waiter(null);
    state.acquire(waiting, now);
    state.connected(new Conn(null), 0, now);
    assertThat(state.expire(served)).isFalse();
    assertThat(state.expire(waiting)).isTrue();
    assertThat(state.stats(now).waiting()).isZero();
  }

  // --- close and use ---

  @Test
  void closeFailsWaitersClosesIdleConnectionsCompletesPausesAndRetiresLateConnects() {
    state(settings(2, 0));
    Conn idle = held(null);
    Conn held = held(null);
    state.release(idle, true, now);
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    state.pause(quiet); // one is held; and the waiter does not get the idle one
    PoolWaiter<Conn> waiter = waiter(null);
    state.acquire(waiter, now);

    PoolActions<Conn> closed = state.close();
    assertThat(closed(closed)).containsExactly(CloseReason.SHUTDOWN);
    assertThat(failed(closed)).containsExactly(waiter);
    assertThat(waiter.failure).isInstanceOf(PoolClosedException.class);
    assertThat(closed.quietPauses).containsExactly(quiet);
    assertThat(state.close()).as("once").isNull();
    assertThat(state.releaseVerdict(entryOf(held), true, now)).isEqualTo(Verdict.DRAINED);
    assertThat(state.connected(new Conn(null), 1, now).strayReason).isEqualTo(CloseReason.SHUTDOWN);
    assertThat(state.sweep(now)).isNull();
  }

  @Test
  void aPoolIsUnusedOnlyWithNoClientHoldingOrWaitingForTheQuietTime() {
    state(settings(2, 0));
    Conn connection = held(null);
    assertThat(state.isUnused(Duration.ZERO, now)).isFalse();
    state.release(connection, true, now);
    assertThat(state.isUnused(Duration.ZERO, now)).isTrue();
    assertThat(state.isUnused(Duration.ofMinutes(1), now)).isFalse();
    advance(Duration.ofMinutes(1));
    assertThat(state.isUnused(Duration.ofMinutes(1), now)).isTrue();
  }

  /** A connection the state only looks at: it must never check or close one itself. */
  static final class Conn implements PooledConnection {
    private final Object affinity;
    boolean usable = true;

    Conn(Object affinity) {
      this.affinity = affinity;
    }

    boolean isOpenIn(PoolState<Conn> state) {
      return state.connections().find(this) != null;
    }

    @Override
    public Object affinity() {
      return affinity;
    }

    @Override
    public boolean isUsable() {
      return usable;
    }

    @Override
    public CompletionStage<Boolean> checkHealth() {
      throw new AssertionError("the state decides a check; the pool runs it");
    }

    @Override
    public void close(CloseReason reason) {
      throw new AssertionError("the state decides a close; the pool carries it out");
    }
  }
}
