package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** PAUSE and RESUME of one pool as plain calls. */
class PauseGateTest {

  private final PauseGate gate = new PauseGate();

  @Test
  void aPauseIsHandedOutOnceNoConnectionIsHeld() {
    CompletableFuture<Void> quiet = new CompletableFuture<>();
    assertThat(gate.isPaused()).isFalse();
    gate.pause(quiet);
    assertThat(gate.isPaused()).isTrue();
    assertThat(gate.quietAt(1)).isNull();
    assertThat(gate.quietAt(0)).containsExactly(quiet);
    assertThat(gate.quietAt(0)).as("handed out once").isNull();
    assertThat(gate.isPaused()).as("still paused until RESUME").isTrue();
    gate.resume();
    assertThat(gate.isPaused()).isFalse();
  }

  @Test
  void aPauseResumedBeforeItWasQuietWaitsForTheNextPauseOrTheClose() {
    CompletableFuture<Void> first = new CompletableFuture<>();
    CompletableFuture<Void> second = new CompletableFuture<>();
    gate.pause(first);
    gate.resume();
    assertThat(gate.quietAt(0)).as("not paused: nothing is quiet").isNull();
    gate.pause(second);
    assertThat(gate.quietAt(0)).containsExactly(first, second);

    CompletableFuture<Void> third = new CompletableFuture<>();
    gate.pause(third);
    assertThat(gate.takeAll()).as("a close hands out every one, held connections or not").containsExactly(third);
    assertThat(gate.takeAll()).isNull();
  }
}
