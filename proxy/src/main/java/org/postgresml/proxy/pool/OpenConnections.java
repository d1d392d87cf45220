package org.postgresml.proxy.pool;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.postgresml.proxy.config.PoolSettings;

/**
 * The connections a pool holds open (idle, held by a client, out for a health check) with the
 * rules for keeping or closing one; part of {@link PoolState}, so guarded by the pool's lock.
 */
final class OpenConnections<C extends PooledConnection> {

  /** Where each connection's lifetime jitter comes from (uniform in [0, 1)); fixed in tests. */
  private final DoubleSupplier random;
  /** Every open connection, by identity: release and discard find theirs here. */
  private final Map<C, PoolEntry<C>> entries = new IdentityHashMap<>();
  /** The ones ready to serve, most recently released first. */
  private final IdleConnections<C> idle = new IdleConnections<>();
  /** Out for a health check: neither idle nor held, and each may serve a waiter soon. */
  private int checking;
  /** Bumped by drain and close: a connection of an older generation is retired, not reused. */
  private int generation;

  OpenConnections(DoubleSupplier random) {
    this.random = random;
  }

  IdleConnections<C> idle() {
    return idle;
  }

  /** All open connections, counted against the pool's size. */
  int open() {
    return entries.size();
  }

  /** The ones clients hold: open, neither idle nor out for a health check. */
  int held() {
    return entries.size() - idle.size() - checking;
  }

  int checking() {
    return checking;
  }

  int generation() {
    return generation;
  }

  /** Drain or close: every connection open now is retired. */
  void retire() {
    generation++;
  }

  /** A new connection joins, idle and first to be handed out, with a lifetime of its own. */
  void add(C connection, long now, PoolSettings settings) {
    PoolEntry<C> entry = new PoolEntry<>(connection, now, lifetimeNanos(settings), generation);
    entries.put(connection, entry);
    idle.push(entry);
  }

  /** server_lifetime less a random share of up to lifetime_jitter, drawn per connection. */
  long lifetimeNanos(PoolSettings settings) {
    double jitter = settings.lifetimeJitter() * random.getAsDouble();
    return (long) (settings.serverLifetime().toNanos() * (1 - jitter));
  }

  /** Its entry, or null when the pool does not hold it (any more). */
  PoolEntry<C> find(C connection) {
    return entries.get(connection);
  }

  /** A client now holds it. */
  void hand(PoolEntry<C> entry) {
    entry.state = PoolEntry.State.ACTIVE;
  }

  /** Back to idle, first to be handed out, its idle time counted from now. */
  void makeIdle(PoolEntry<C> entry, long now) {
    entry.state = PoolEntry.State.IDLE;
    entry.lastUsedNanos = now;
    idle.push(entry);
  }

  /** Taken from idle for a health check. */
  void startCheck(PoolEntry<C> entry) {
    entry.state = PoolEntry.State.CHECKING;
    checking++;
  }

  void checkFinished() {
    checking--;
  }

  /** No longer open (already taken out of idle by the caller); it closes for {@code reason}. */
  void remove(PoolEntry<C> entry, CloseReason reason) {
    entries.remove(entry.connection);
    entry.state = PoolEntry.State.CLOSED;
    entry.closeReason = reason;
  }

  /**
   * Why a released connection is kept or closed; the first rule that applies wins: a session that
   * did not leave it clean, a retired generation or closed pool, its lifetime, a pool above its size.
   */
  Verdict onRelease(PoolEntry<C> entry, boolean reusable, long now, boolean poolClosed, int size) {
    if (!reusable || !entry.connection.isUsable()) {
      return Verdict.DIRTY;
    }
    if (poolClosed || entry.generation != generation) {
      return Verdict.DRAINED;
    }
    if (entry.isPastLifetime(now)) {
      return Verdict.LIFETIME;
    }
    return entries.size() > size ? Verdict.POOL_SHRUNK : Verdict.KEEP;
  }

  /** A checked connection goes back idle when healthy and still of the current generation. */
  Verdict afterCheck(PoolEntry<C> entry, boolean healthy, boolean poolClosed) {
    if (!healthy) {
      return Verdict.HEALTH_CHECK_FAILED;
    }
    return poolClosed || entry.generation != generation ? Verdict.DRAINED : Verdict.KEEP;
  }

  /** Whether an idle connection may serve a waiter now: a gone one closes, a stale one is checked first. */
  Verdict beforeServing(PoolEntry<C> entry, long now, long idleCheckNanos) {
    if (!entry.connection.isUsable()) {
      return Verdict.SERVER_GONE;
    }
    return entry.isDueForCheck(now, idleCheckNanos) ? Verdict.CHECK : Verdict.KEEP;
  }
}
