package org.postgresml.proxy.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One call on its way to the upstream, and the sessions that asked the same meanwhile: they wait
 * for its outcome instead of asking the upstream again (single-flight). Any thread; the waiters'
 * callbacks run wherever they choose (their own event loop).
 */
final class Flight {

  /** How a flight ended, for those who waited. */
  sealed interface Outcome {
    /** The answer (also stored): replay it. */
    record Answered(byte[] bytes) implements Outcome {}

    /** The upstream's ErrorResponse (never stored): every waiter gets the same. */
    record Failed(byte[] bytes) implements Outcome {}

    /** No answer to share (the caller left, a notice came, too large…): each waiter asks on its own. */
    record GoAlone() implements Outcome {}
  }

  private final List<Consumer<Outcome>> waiters = new ArrayList<>();
  private Outcome outcome;

  /** Waits for the outcome; false when it came already (the caller looks again). */
  synchronized boolean join(Consumer<Outcome> waiter) {
    if (outcome != null) {
      return false;
    }
    waiters.add(waiter);
    return true;
  }

  /** A waiter gave up (timeout, gone). */
  synchronized void leave(Consumer<Outcome> waiter) {
    waiters.remove(waiter);
  }

  void finish(Outcome result) {
    List<Consumer<Outcome>> told;
    synchronized (this) {
      if (outcome != null) {
        return;
      }
      outcome = result;
      told = List.copyOf(waiters);
      waiters.clear();
    }
    told.forEach(waiter -> waiter.accept(result));
  }
}
