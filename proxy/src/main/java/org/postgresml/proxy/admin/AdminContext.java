package org.postgresml.proxy.admin;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** What the admin console reads and may change in the running proxy. */
public interface AdminContext {

  List<PoolInfo> pools();

  List<ConnectionInfo> clients();

  List<ConnectionInfo> servers();

  List<StatsInfo> stats();

  /** Settings with their effective and default values; secrets already masked. */
  List<ConfigEntry> config();

  String version();

  /** Re-reads the configuration; completes exceptionally with a message a user understands when it is invalid. */
  CompletionStage<Void> reload();

  /** Waits for server connections to be released, then holds new clients. */
  CompletionStage<Void> pause();

  void resume();

  /** Stops accepting clients and drains like SIGTERM. */
  void shutdown();

  /** The answer cache's state for {@code SHOW CACHE}. */
  default CacheInfo cache() {
    return new CacheInfo(List.of(), 0, 0, 0);
  }

  /** {@code CACHE CLEAR}: every entry of the answer cache goes. */
  default void clearCache() {}

  /** {@code SHOW CACHE}: a line per function, and the budget, generation and calls in flight. */
  record CacheInfo(List<CacheFunctionInfo> functions, long maxBytes, long generation, int inFlight) {}

  /** One function's counters; entries and bytes as of now, the rest since start. */
  record CacheFunctionInfo(String function, boolean shared, long entries, long bytes, long hits, long misses,
      long coalesced, long evictions, long bypassed) {}

  /** One pool's line of {@code SHOW POOLS}. */
  record PoolInfo(String database, String user, int clientsActive, int clientsWaiting, int serversActive,
      int serversIdle, int serversUsed, int serversTested, int serversLogin, long maxWaitMicros, String poolMode) {}

  /** A client or server connection for {@code SHOW CLIENTS} / {@code SHOW SERVERS}. */
  record ConnectionInfo(String type, String user, String database, String state, String address, int port,
      String localAddress, int localPort, String connectTime, String requestTime, long waitMicros, String id,
      String link, Integer remotePid, String tls, String applicationName) {}

  /** Totals and averages of one database for {@code SHOW STATS}. */
  record StatsInfo(String database, long transactions, long queries, long bytesReceived, long bytesSent,
      long transactionMicros, long queryMicros, long waitMicros) {}

  record ConfigEntry(String key, String value, String defaultValue, boolean changeable) {}
}
