package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.PoolSettings;
import org.postgresml.proxy.pool.PoolStateTest.Conn;

/** Which idle connection a waiter gets and what opens after it, as plain calls on the pool's parts. */
class PoolDispatchTest {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private static final Duration IDLE_CHECK = Duration.ofSeconds(30);
  private static final PoolSettings SETTINGS = new PoolSettings(4, 0, Duration.ofSeconds(30), Duration.ofMinutes(10),
      Duration.ofHours(1), 0, IDLE_CHECK, Duration.ofSeconds(5));

  private final OpenConnections<Conn> connections = new OpenConnections<>(() -> 0.5);
  private final Waiters<Conn> waiters = new Waiters<>();
  private final PoolDispatch<Conn> dispatch = new PoolDispatch<>(connections, waiters, new ConnectDemand());
  private long now = 1_000 * SECOND;

  private Conn idle(Object affinity) {
    Conn connection = new Conn(affinity);
    connections.add(connection, now, SETTINGS);
    return connection;
  }

  private PoolWaiter<Conn> waiting(Object affinity) {
    PoolWaiter<Conn> waiter = new PoolWaiter<>(new CompletableFuture<>(), now, affinity);
    waiters.add(waiter);
    return waiter;
  }

  private static List<PoolWaiter<Conn>> served(PoolActions<Conn> actions) {
    List<PoolWaiter<Conn>> served = new ArrayList<>();
    for (PoolWaiter<Conn> w = actions == null ? null : actions.firstServed; w != null; w = w.next) {
      served.add(w);
    }
    return served;
  }

  @Test
  void aClientGetsTheMostRecentlyReleasedConnectionOfItsLoopElseTheMostRecent() {
    Conn olderOnA = idle("A");
    Conn newerOnA = idle("A");
    Conn onB = idle("B");
    assertThat(dispatch.takeIdle("A", now, SETTINGS).connection).isSameAs(newerOnA);
    assertThat(dispatch.takeIdle("C", now, SETTINGS).connection).isSameAs(onB);
    PoolEntry<Conn> last = dispatch.takeIdle(null, now, SETTINGS);
    assertThat(last.connection).isSameAs(olderOnA);
    assertThat(last.state).isEqualTo(PoolEntry.State.ACTIVE);
    assertThat(connections.held()).isEqualTo(3);
    assertThat(dispatch.takeIdle(null, now, SETTINGS)).isNull();
    assertThat(dispatch.take()).as("nothing else decided").isNull();
  }

  @Test
  void onTheWayAGoneConnectionClosesAndAStaleOneIsCheckedInsteadOfServing() {
    Conn stale = idle(null);
    now += IDLE_CHECK.toNanos() + SECOND;
    Conn gone = idle(null);
    gone.usable = false;
    assertThat(dispatch.takeIdle(null, now, SETTINGS)).isNull();
    PoolActions<Conn> decided = dispatch.take();
    assertThat(decided.closes).extracting(entry -> entry.connection).containsExactly(gone);
    assertThat(decided.closes.get(0).closeReason).isEqualTo(CloseReason.SERVER_GONE);
    assertThat(decided.checks).extracting(entry -> entry.connection).containsExactly(stale);
    assertThat(connections.checking()).isOne();
    assertThat(connections.open()).isOne();
  }

  @Test
  void waitersAreServedInOrderAndConnectsOpenWhereTheNextUnservedWaitersLive() {
    Conn onA = idle("A");
    PoolWaiter<Conn> first = waiting("B");
    PoolWaiter<Conn> second = waiting("C");
    PoolWaiter<Conn> third = waiting("D");
    dispatch.run(now, SETTINGS, false);
    PoolActions<Conn> decided = dispatch.take();
    assertThat(served(decided)).containsExactly(first);
    assertThat(first.connection).isSameAs(onA);
    assertThat(decided.connects).containsExactly("C", "D");
    assertThat(waiters.size()).isEqualTo(2);
    assertThat(second.served || third.served).isFalse();
  }

  @Test
  void whilePausedNoWaiterIsServed() {
    idle("A");
    PoolWaiter<Conn> waiter = waiting("A");
    dispatch.run(now, SETTINGS, true);
    assertThat(dispatch.take()).isNull();
    assertThat(waiter.served).isFalse();
    assertThat(connections.idle().size()).isOne();
  }

  @Test
  void underBackOffOneRetryIsAskedForAndOnlyWaitersPastTheConnectTimeoutFail() {
    ConnectDemand demand = new ConnectDemand();
    PoolDispatch<Conn> backingOff = new PoolDispatch<>(connections, waiters, demand);
    PoolWaiter<Conn> old = waiting(null);
    now += SETTINGS.serverConnectTimeout().toNanos();
    PoolWaiter<Conn> recent = waiting(null);
    demand.started();
    ConnectException refused = new ConnectException("refused");
    demand.failed(refused, now);
    backingOff.failWaitersPastConnectTimeout(now, SETTINGS);
    backingOff.run(now, SETTINGS, false);
    PoolActions<Conn> decided = backingOff.take();
    assertThat(decided.firstFailed).isSameAs(old);
    assertThat(old.failure).isSameAs(refused);
    assertThat(decided.firstFailed.next).isNull();
    assertThat(decided.connectCount()).isZero();
    assertThat(decided.retryAfterNanos).isPositive();
    assertThat(waiters.first()).isSameAs(recent);
  }
}
