package org.postgresml.proxy.pool;

import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The idle connections of a pool, most recently released first: reused first, so that under light
 * load the rest idle out and warm ones stay hot. Part of {@link PoolState}.
 */
final class IdleConnections<C extends PooledConnection> {

  /** Most recently released first. */
  private final ArrayDeque<PoolEntry<C>> entries = new ArrayDeque<>();

  /** A connection becomes idle: the first one handed out next. */
  void push(PoolEntry<C> entry) {
    entries.addFirst(entry);
  }

  boolean isEmpty() {
    return entries.isEmpty();
  }

  int size() {
    return entries.size();
  }

  /** The one a waiter gets: the most recently released that lives where it does, else the most recent. */
  PoolEntry<C> takeFor(Object affinity) {
    if (affinity != null) {
      for (Iterator<PoolEntry<C>> it = entries.iterator(); it.hasNext(); ) {
        PoolEntry<C> entry = it.next();
        if (affinity.equals(entry.connection.affinity())) {
          it.remove();
          return entry;
        }
      }
    }
    return entries.pollFirst();
  }

  PoolEntry<C> pollNewest() {
    return entries.pollFirst();
  }

  PoolEntry<C> pollOldest() {
    return entries.pollLast();
  }

  void remove(PoolEntry<C> entry) {
    entries.remove(entry);
  }

  /** Least recently used first, as a maintenance round looks at them; supports removal. */
  Iterator<PoolEntry<C>> oldestFirst() {
    return entries.descendingIterator();
  }

  /** How many idled past server_idle_check, to be checked before reuse (SHOW POOLS' sv_used). */
  int dueForCheck(long now, long idleCheckNanos) {
    int due = 0;
    for (PoolEntry<C> entry : entries) {
      if (entry.isDueForCheck(now, idleCheckNanos)) {
        due++;
      }
    }
    return due;
  }
}
