package org.postgresml.proxy.pool;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * PAUSE and RESUME of one pool (PgBouncer's PAUSE): while paused no client is handed a connection,
 * and each PAUSE request completes once no connection is held any more. Part of {@link PoolState}, so
 * guarded by the pool's lock; it completes nothing itself, it hands the requests to complete out.
 */
final class PauseGate {

  /** PAUSE holds new acquisitions until RESUME. */
  private boolean paused;
  /** PAUSE requests waiting for the last held connection to come back. */
  private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

  boolean isPaused() {
    return paused;
  }

  /** Holds new acquisitions; {@code quiet} is handed out once no connection is held. */
  void pause(CompletableFuture<Void> quiet) {
    paused = true;
    waiting.add(quiet);
  }

  void resume() {
    paused = false;
  }

  /** The PAUSE requests to complete now that {@code held} connections are held: all of them at none; else null. */
  List<CompletableFuture<Void>> quietAt(int held) {
    return paused && held == 0 ? takeAll() : null;
  }

  /** Every PAUSE request still waiting (the pool closes); null when there is none. */
  List<CompletableFuture<Void>> takeAll() {
    if (waiting.isEmpty()) {
      return null;
    }
    List<CompletableFuture<Void>> quiet = List.copyOf(waiting);
    waiting.clear();
    return quiet;
  }
}
