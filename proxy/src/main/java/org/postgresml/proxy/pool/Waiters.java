package org.postgresml.proxy.pool;

import java.util.ArrayDeque;
import java.util.Iterator;

/** The clients of a pool waiting for a connection, first come first served; part of {@link PoolState}. */
final class Waiters<C extends PooledConnection> {

  /** Oldest first: the head is served next. */
  private final ArrayDeque<PoolWaiter<C>> queue = new ArrayDeque<>();

  void add(PoolWaiter<C> waiter) {
    queue.addLast(waiter);
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  int size() {
    return queue.size();
  }

  /** The waiter served next, still queued. */
  PoolWaiter<C> first() {
    return queue.peekFirst();
  }

  PoolWaiter<C> pollFirst() {
    return queue.pollFirst();
  }

  /** False when it had left the queue already (served or failed). */
  boolean remove(PoolWaiter<C> waiter) {
    return queue.remove(waiter);
  }

  /** Where the waiter at {@code index} (0: the next served) lives; null past the end. */
  Object affinityAt(int index) {
    int i = 0;
    for (PoolWaiter<C> waiter : queue) {
      if (i++ == index) {
        return waiter.affinity;
      }
    }
    return null;
  }

  /** How long the longest-waiting client has waited, in microseconds. */
  long longestWaitMicros(long now) {
    return queue.isEmpty() ? 0 : (now - queue.peekFirst().sinceNanos) / 1000;
  }

  /** Every waiter gets {@code cause}. */
  void failAll(Throwable cause, PoolActions<C> actions) {
    while (!queue.isEmpty()) {
      PoolWaiter<C> waiter = queue.pollFirst();
      waiter.failure = cause;
      actions.fail(waiter);
    }
  }

  /** Waiters that have waited {@code limitNanos} or longer get {@code cause}; the rest stay in order. */
  void failWaitedPast(long limitNanos, long now, Throwable cause, PoolActions<C> actions) {
    for (Iterator<PoolWaiter<C>> it = queue.iterator(); it.hasNext(); ) {
      PoolWaiter<C> waiter = it.next();
      if (now - waiter.sinceNanos >= limitNanos) {
        it.remove();
        waiter.failure = cause;
        actions.fail(waiter);
      }
    }
  }
}
