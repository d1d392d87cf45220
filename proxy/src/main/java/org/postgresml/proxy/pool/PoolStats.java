package org.postgresml.proxy.pool;

/**
 * A snapshot of one pool, for {@code SHOW POOLS} and the gauges in {@code /metrics}.
 *
 * @param active connections held by clients
 * @param idle connections ready in the pool
 * @param stale the idle ones that idled past {@code server_idle_check}: checked before reuse (PgBouncer's sv_used)
 * @param checking idle connections being health-checked
 * @param connecting connections being opened
 * @param waiting clients waiting for a connection
 * @param maxWaitMicros how long the longest-waiting client has waited
 * @param paused whether {@code PAUSE} holds new acquisitions
 */
public record PoolStats(int active, int idle, int stale, int checking, int connecting, int waiting, long maxWaitMicros,
    boolean paused) {

  /** A pool that does not exist (yet). */
  public static final PoolStats EMPTY = new PoolStats(0, 0, 0, 0, 0, 0, 0, false);

  public int open() {
    return active + idle + checking;
  }
}
