package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.config.PoolSettings;

/** The pool's rules with in-memory connections; the relay's use of it is tested against PostgreSQL. */
class PoolTest {

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
  private final FakeFactory factory = new FakeFactory();
  private Pool<FakeConnection> pool;

  @AfterEach
  void stop() {
    if (pool != null) {
      pool.close();
    }
    timer.shutdownNow();
  }

  private Pool<FakeConnection> start(PoolSettings settings) {
    pool = new Pool<>("app@db", settings, factory, timer, PoolListener.NONE);
    pool.start();
    return pool;
  }

  private static PoolSettings settings(int size, int minSize) {
    return new PoolSettings(size, minSize, Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofHours(1), 0.1,
        Duration.ofSeconds(30), Duration.ofSeconds(5));
  }

  @Test
  void capsOpenConnectionsAndServesWaitersFirstComeFirstServed() throws Exception {
    start(settings(2, 0));
    FakeConnection first = pool.acquire().get(1, TimeUnit.SECONDS);
    FakeConnection second = pool.acquire().get(1, TimeUnit.SECONDS);
    CompletableFuture<FakeConnection> third = pool.acquire();
    CompletableFuture<FakeConnection> fourth = pool.acquire();
    assertThat(third).isNotDone();
    assertThat(factory.opened).hasValue(2);

    pool.release(second, true);
    assertThat(third.get(1, TimeUnit.SECONDS)).isSameAs(second);
    assertThat(fourth).isNotDone();
    pool.release(first, true);
    assertThat(fourth.get(1, TimeUnit.SECONDS)).isSameAs(first);
    assertThat(factory.opened).hasValue(2);
    assertThat(pool.stats()).isEqualTo(new PoolStats(2, 0, 0, 0, 0, 0, 0, false));
  }

  @Test
  void aClientThatWaitedTooLongIsToldWhichSettingToRaise() throws Exception {
    start(new PoolSettings(1, 0, Duration.ofMillis(200), Duration.ofMinutes(10), Duration.ofHours(1), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(5)));
    pool.acquire().get(1, TimeUnit.SECONDS);
    CompletableFuture<FakeConnection> waiting = pool.acquire();
    await().atMost(Duration.ofSeconds(2)).until(waiting::isDone);
    assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(PoolExhaustedException.class)
        .withMessageContaining("pool app@db").withMessageContaining("raise pool.size");
    assertThat(pool.stats().waiting()).isZero();
  }

  @Test
  void aClientTimedOutWhileTheUpstreamRefusesGetsTheConnectErrorNotAllInUse() {
    // queryWaitTimeout (200 ms) shorter than the connect timeout (5 s): the wait ends first.
    start(new PoolSettings(20, 0, Duration.ofMillis(200), Duration.ofMinutes(10), Duration.ofHours(1), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(5)));
    factory.failing.set(true);
    CompletableFuture<FakeConnection> waiting = pool.acquire();
    await().atMost(Duration.ofSeconds(2)).until(waiting::isDone);
    assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ConnectException.class).withMessageContaining("connection refused");
  }

  @Test
  void aClientTimedOutWhileConnectsHangIsToldTheUpstreamIsNotAnswering() {
    start(new PoolSettings(20, 0, Duration.ofMillis(200), Duration.ofMinutes(10), Duration.ofHours(1), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(5)));
    factory.hanging.set(true);
    CompletableFuture<FakeConnection> waiting = pool.acquire();
    await().atMost(Duration.ofSeconds(2)).until(waiting::isDone);
    assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ConnectPendingException.class)
        .withMessageContaining("0 open").withMessageContaining("1 being opened").withMessageContaining("not answering")
        .withMessageNotContaining("in use (raise");
  }

  @Test
  void aHealthCheckWithoutAnAnswerFailsAfterTheConnectTimeoutAndTheConnectionIsReplaced() throws Exception {
    // Idle check after 50 ms; connect timeout (which bounds a check) 300 ms; the client waits up to 30 s.
    start(new PoolSettings(1, 1, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(1), 0,
        Duration.ofMillis(50), Duration.ofMillis(300)));
    await().atMost(Duration.ofSeconds(2)).until(() -> pool.stats().idle() == 1);
    FakeConnection silent = pool.acquire().get(1, TimeUnit.SECONDS);
    silent.answersChecks.set(false); // its peer vanished without a word
    pool.release(silent, true);
    // The maintenance round checks it once idle past 50 ms; unanswered, the check fails at 300 ms.
    await().atMost(Duration.ofSeconds(5)).until(() -> !silent.closedFor.isEmpty());
    assertThat(silent.closedFor).containsExactly(CloseReason.HEALTH_CHECK_FAILED);
    FakeConnection served = pool.acquire().get(5, TimeUnit.SECONDS);
    assertThat(served).isNotSameAs(silent);
    assertThat(pool.stats().checking()).isZero();
  }

  @Test
  void warmConnectionsOpenWithoutClients() {
    start(settings(5, 3));
    await().atMost(Duration.ofSeconds(2)).until(() -> pool.stats().idle() == 3);
    assertThat(factory.opened).hasValue(3);
  }

  @Test
  void aDirtyConnectionIsClosedNeverReused() throws Exception {
    start(settings(1, 0));
    FakeConnection dirty = pool.acquire().get(1, TimeUnit.SECONDS);
    pool.release(dirty, false);
    assertThat(dirty.closedFor).containsExactly(CloseReason.DIRTY);
    FakeConnection next = pool.acquire().get(1, TimeUnit.SECONDS);
    assertThat(next).isNotSameAs(dirty);
  }

  @Test
  void waitersGetTheConnectErrorWhenTheUpstreamStaysDownThenThePoolRecovers() throws Exception {
    start(new PoolSettings(2, 0, Duration.ofSeconds(30), Duration.ofMinutes(10), Duration.ofHours(1), 0,
        Duration.ofSeconds(30), Duration.ofMillis(300)));
    factory.failing.set(true);
    CompletableFuture<FakeConnection> waiting = pool.acquire();
    await().atMost(Duration.ofSeconds(5)).until(waiting::isDone);
    assertThat(waiting).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ConnectException.class);
    assertThat(factory.attempts.get()).isGreaterThan(1); // retried with back-off before giving up

    factory.failing.set(false);
    assertThat(pool.acquire().get(5, TimeUnit.SECONDS).isUsable()).isTrue();
  }

  @Test
  void aPermanentConnectErrorReachesEveryWaiterAtOnce() {
    start(settings(2, 0)); // connect timeout 5 s: the waiters must not wait for it
    factory.failing.set(true);
    factory.permanent.set(true);
    CompletableFuture<FakeConnection> first = pool.acquire();
    CompletableFuture<FakeConnection> second = pool.acquire();
    await().atMost(Duration.ofSeconds(2)).until(() -> first.isDone() && second.isDone());
    assertThat(second).failsWithin(Duration.ZERO).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(ConnectException.class);
  }

  @Test
  void aConnectionPastItsLifetimeIsClosedOnRelease() throws Exception {
    start(new PoolSettings(1, 0, Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofMillis(1), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(5)));
    FakeConnection old = pool.acquire().get(1, TimeUnit.SECONDS);
    await().pollDelay(Duration.ofMillis(5)).until(() -> true);
    pool.release(old, true);
    assertThat(old.closedFor).containsExactly(CloseReason.LIFETIME);
  }

  @Test
  void idleConnectionsAboveTheMinimumTimeOut() throws Exception {
    start(new PoolSettings(3, 1, Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofHours(1), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(5)));
    List<FakeConnection> held = List.of(pool.acquire().get(1, TimeUnit.SECONDS), pool.acquire().get(1, TimeUnit.SECONDS),
        pool.acquire().get(1, TimeUnit.SECONDS));
    held.forEach(connection -> pool.release(connection, true));
    await().atMost(Duration.ofSeconds(3)).until(() -> pool.stats().open() == 1);
    assertThat(held.stream().filter(c -> c.closedFor.contains(CloseReason.IDLE_TIMEOUT))).hasSize(2);
  }

  @Test
  void aStaleConnectionIsCheckedBeforeReuseAndReplacedWhenTheCheckFails() throws Exception {
    start(new PoolSettings(1, 0, Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofHours(1), 0,
        Duration.ofMillis(1), Duration.ofSeconds(5)));
    FakeConnection stale = pool.acquire().get(1, TimeUnit.SECONDS);
    pool.release(stale, true);
    stale.healthy.set(false);
    await().pollDelay(Duration.ofMillis(5)).until(() -> true);
    FakeConnection next = pool.acquire().get(2, TimeUnit.SECONDS);
    assertThat(stale.checks.get()).isGreaterThanOrEqualTo(1);
    assertThat(stale.closedFor).contains(CloseReason.HEALTH_CHECK_FAILED);
    assertThat(next).isNotSameAs(stale);
  }

  @Test
  void anIdleConnectionPastTheCheckIntervalCountsAsStaleUntilChecked() throws Exception {
    java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(1_000_000_000L);
    // The maintenance timer is never due in this test: the fake clock alone moves time.
    pool = new Pool<>("app@db", new PoolSettings(2, 0, Duration.ofSeconds(5), Duration.ofMinutes(10),
        Duration.ofHours(1), 0, Duration.ofSeconds(30), Duration.ofSeconds(5)), factory, timer, PoolListener.NONE,
        now::get);
    FakeConnection first = pool.acquire().get(1, TimeUnit.SECONDS);
    FakeConnection second = pool.acquire().get(1, TimeUnit.SECONDS);
    pool.release(first, true);
    now.addAndGet(TimeUnit.SECONDS.toNanos(31));
    pool.release(second, true);

    PoolStats stats = pool.stats();
    assertThat(stats.idle()).isEqualTo(2);
    assertThat(stats.stale()).as("only the one idle past server_idle_check").isEqualTo(1);
  }

  @Test
  void drainClosesIdleConnectionsAtOnceAndHeldOnesOnRelease() throws Exception {
    start(settings(2, 0));
    FakeConnection held = pool.acquire().get(1, TimeUnit.SECONDS);
    FakeConnection idle = pool.acquire().get(1, TimeUnit.SECONDS);
    pool.release(idle, true);
    pool.drain();
    assertThat(idle.closedFor).containsExactly(CloseReason.DRAINED);
    assertThat(held.closedFor).isEmpty();
    pool.release(held, true);
    assertThat(held.closedFor).containsExactly(CloseReason.DRAINED);
  }

  @Test
  void pauseWaitsForHeldConnectionsAndHoldsNewClientsUntilResume() throws Exception {
    start(settings(2, 0));
    FakeConnection held = pool.acquire().get(1, TimeUnit.SECONDS);
    CompletableFuture<Void> paused = pool.pause();
    assertThat(paused).isNotDone();
    CompletableFuture<FakeConnection> held2 = pool.acquire();
    pool.release(held, true);
    assertThat(paused).succeedsWithin(Duration.ofSeconds(1));
    assertThat(held2).isNotDone();
    pool.resume();
    assertThat(held2.get(1, TimeUnit.SECONDS)).isSameAs(held);
  }

  @Test
  void aSmallerSizeClosesIdleConnectionsAndALargerOneServesWaiters() throws Exception {
    start(settings(2, 0));
    FakeConnection a = pool.acquire().get(1, TimeUnit.SECONDS);
    FakeConnection b = pool.acquire().get(1, TimeUnit.SECONDS);
    pool.release(a, true);
    pool.release(b, true);
    pool.updateSettings(settings(1, 0));
    assertThat(pool.stats().open()).isEqualTo(1);

    FakeConnection only = pool.acquire().get(1, TimeUnit.SECONDS);
    CompletableFuture<FakeConnection> waiting = pool.acquire();
    assertThat(waiting).isNotDone();
    pool.updateSettings(settings(2, 0));
    assertThat(waiting.get(1, TimeUnit.SECONDS)).isNotSameAs(only);
  }

  @Test
  void closeFailsWaitingClients() throws Exception {
    start(settings(1, 0));
    pool.acquire().get(1, TimeUnit.SECONDS);
    CompletableFuture<FakeConnection> waiting = pool.acquire();
    pool.close();
    assertThat(waiting).failsWithin(Duration.ofSeconds(1)).withThrowableOfType(ExecutionException.class)
        .havingCause().isInstanceOf(PoolClosedException.class);
    assertThat(pool.acquire()).isCompletedExceptionally();
  }

  @Test
  void aClientGetsAConnectionFromItsOwnLoopWhenOneIsIdle() throws Exception {
    start(settings(3, 0));
    FakeConnection onA = pool.acquire("loop-a").get(1, TimeUnit.SECONDS);
    FakeConnection onB = pool.acquire("loop-b").get(1, TimeUnit.SECONDS);
    assertThat(onA.affinity()).isEqualTo("loop-a");
    assertThat(onB.affinity()).isEqualTo("loop-b");
    pool.release(onA, true);
    pool.release(onB, true); // most recently released: a client without a match would get this one
    assertThat(pool.acquire("loop-a").get(1, TimeUnit.SECONDS)).isSameAs(onA);
    assertThat(pool.acquire("loop-c").get(1, TimeUnit.SECONDS)).isSameAs(onB);
  }

  @Test
  void manyClientsNeverOpenMoreThanTheCap() throws Exception {
    start(settings(4, 0));
    var clients = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<Void>> runs = new CopyOnWriteArrayList<>();
      for (int i = 0; i < 50; i++) {
        runs.add(CompletableFuture.runAsync(() -> {
          for (int j = 0; j < 20; j++) {
            FakeConnection connection = pool.acquire().join();
            connection.inUse(+1);
            connection.inUse(-1);
            pool.release(connection, true);
          }
        }, clients));
      }
      CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
    } finally {
      clients.shutdownNow();
    }
    assertThat(factory.opened.get()).isLessThanOrEqualTo(4);
    assertThat(FakeConnection.doubleUse).isFalse();
  }

  static final class FakeFactory implements ConnectionFactory<FakeConnection> {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger attempts = new AtomicInteger();
    final AtomicBoolean failing = new AtomicBoolean();
    final AtomicBoolean permanent = new AtomicBoolean();
    /** Connects that never finish (an upstream that accepts TCP and never answers). */
    final AtomicBoolean hanging = new AtomicBoolean();

    @Override
    public boolean isPermanent(Throwable failure) {
      return permanent.get();
    }

    @Override
    public CompletionStage<FakeConnection> connect(Object affinity) {
      attempts.incrementAndGet();
      if (hanging.get()) {
        return new CompletableFuture<>();
      }
      if (failing.get()) {
        return CompletableFuture.failedFuture(new ConnectException("connection refused by upstream 127.0.0.1:1"));
      }
      opened.incrementAndGet();
      return CompletableFuture.supplyAsync(() -> new FakeConnection(affinity));
    }
  }

  static final class FakeConnection implements PooledConnection {
    static volatile boolean doubleUse;
    final List<CloseReason> closedFor = new CopyOnWriteArrayList<>();
    final AtomicBoolean healthy = new AtomicBoolean(true);
    final AtomicInteger checks = new AtomicInteger();
    /** False: checks are never answered (a socket whose peer silently vanished). */
    final AtomicBoolean answersChecks = new AtomicBoolean(true);
    private final AtomicInteger users = new AtomicInteger();
    private final Object affinity;

    FakeConnection(Object affinity) {
      this.affinity = affinity;
    }

    @Override
    public Object affinity() {
      return affinity;
    }

    void inUse(int delta) {
      if (users.addAndGet(delta) > 1) {
        doubleUse = true;
      }
    }

    @Override
    public boolean isUsable() {
      return closedFor.isEmpty();
    }

    @Override
    public CompletionStage<Boolean> checkHealth() {
      checks.incrementAndGet();
      return answersChecks.get() ? CompletableFuture.completedFuture(healthy.get()) : new CompletableFuture<>();
    }

    @Override
    public void close(CloseReason reason) {
      closedFor.add(reason);
    }
  }
}
