package org.postgresml.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.session.SessionRegistry;

/** SIGTERM, SIGINT, SHUTDOWN and close may all ask; one drain and one stop happen. */
class ShutdownOnceTest {

  private final AtomicInteger listenerClosed = new AtomicInteger();
  private final ShutdownCoordinator drain = new ShutdownCoordinator(new SessionRegistry(),
      listenerClosed::incrementAndGet, new SimpleMeterRegistry());

  @Test
  void theSecondCallerWaitsForTheFirstAndNothingRunsTwice() throws Exception {
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger stops = new AtomicInteger();
    ShutdownOnce shutdown = new ShutdownOnce(drain, () -> {
      stops.incrementAndGet();
      stopping.countDown();
      await(release);
    });
    CompletableFuture<Void> first = CompletableFuture.runAsync(() -> shutdown.run(Duration.ZERO, Duration.ZERO));
    assertThat(stopping.await(30, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> second = CompletableFuture.runAsync(() -> shutdown.run(Duration.ZERO, Duration.ZERO));
    assertThat(second).as("the admin SHUTDOWN and then SIGTERM: both return when the one drain is done")
        .isNotCompleted();
    release.countDown();
    first.get(30, TimeUnit.SECONDS);
    second.get(30, TimeUnit.SECONDS);
    assertThat(stops).hasValue(1);
    assertThat(listenerClosed).hasValue(1);
    assertThat(shutdown.stopped()).isCompleted();
  }

  @Test
  void aFailedStopFailsEveryWaiter() {
    ShutdownOnce shutdown = new ShutdownOnce(drain, () -> {
      throw new IllegalStateException("threads did not stop");
    });
    assertThatThrownBy(() -> shutdown.run(Duration.ZERO, Duration.ZERO)).hasMessage("threads did not stop");
    assertThat(shutdown.stopped()).isCompletedExceptionally();
    assertThatThrownBy(() -> shutdown.run(Duration.ZERO, Duration.ZERO)).hasCauseInstanceOf(IllegalStateException.class);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
