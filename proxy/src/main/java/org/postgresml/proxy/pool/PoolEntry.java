package org.postgresml.proxy.pool;

/** One connection of a pool with what the pool knows of it; guarded by the pool's lock. */
final class PoolEntry<C> {

  /** Where the connection is: the pool's counts (idle, active, checking) follow from it. */
  enum State { IDLE, ACTIVE, CHECKING, CLOSED }

  /** The connection itself: handed to clients, closed by the pool. */
  final C connection;
  /** When it logged in: its age, for server_lifetime. */
  final long createdNanos;
  /** This connection's server_lifetime, with its own jitter so a fleet does not reconnect at once. */
  final long lifetimeNanos;
  /** The pool's generation at connect: an older one is retired (drain after an upstream change). */
  final int generation;
  /** When it last went idle: for server_idle_timeout and for server_idle_check before reuse. */
  long lastUsedNanos;
  /** Whether it is idle, held, being checked or gone; a closed entry is never handed out again. */
  State state = State.IDLE;
  /** Why the pool closed it, once {@link State#CLOSED}: the close's reason and metric label. */
  CloseReason closeReason;

  PoolEntry(C connection, long createdNanos, long lifetimeNanos, int generation) {
    this.connection = connection;
    this.createdNanos = createdNanos;
    this.lifetimeNanos = lifetimeNanos;
    this.generation = generation;
    this.lastUsedNanos = createdNanos;
  }

  /** Past its (jittered) server_lifetime: closed when it is next released or swept. */
  boolean isPastLifetime(long nowNanos) {
    return nowNanos - createdNanos >= lifetimeNanos;
  }

  /** Idle longer than server_idle_check: health-checked before it serves anyone (PgBouncer's sv_used). */
  boolean isDueForCheck(long nowNanos, long idleCheckNanos) {
    return nowNanos - lastUsedNanos > idleCheckNanos;
  }
}
