package org.postgresml.proxy.pool;

/** One connection of a pool with what the pool knows of it; guarded by the pool's lock. */
final class PoolEntry<C> {

  enum State { IDLE, ACTIVE, CHECKING, CLOSED }

  final C connection;
  final long createdNanos;
  /** This connection's server_lifetime, with its own jitter so a fleet does not reconnect at once. */
  final long lifetimeNanos;
  /** The pool's generation at connect: an older one is retired (drain after an upstream change). */
  final int generation;
  long lastUsedNanos;
  State state = State.IDLE;

  PoolEntry(C connection, long createdNanos, long lifetimeNanos, int generation) {
    this.connection = connection;
    this.createdNanos = createdNanos;
    this.lifetimeNanos = lifetimeNanos;
    this.generation = generation;
    this.lastUsedNanos = createdNanos;
  }
}
