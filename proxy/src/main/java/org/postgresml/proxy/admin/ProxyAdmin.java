package org.postgresml.proxy.admin;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.postgresml.proxy.cache.AnswerCache;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.config.ProxyVersion;
import org.postgresml.proxy.config.SettingValues;
import org.postgresml.proxy.pool.PoolTraffic;
import org.postgresml.proxy.pool.Pool;
import org.postgresml.proxy.pool.PoolKey;
import org.postgresml.proxy.pool.PoolStats;
import org.postgresml.proxy.pool.PooledServer;
import org.postgresml.proxy.pool.ServerPools;
import org.postgresml.proxy.session.ClientSession;
import org.postgresml.proxy.session.ClientSnapshot;
import org.postgresml.proxy.session.SessionRegistry;
import org.postgresml.proxy.upstream.ServerConnection;

/** The running proxy as the admin console sees it: sessions, pools, settings, and the levers. */
public final class ProxyAdmin implements AdminContext {

  /** What RELOAD, PAUSE, RESUME and SHUTDOWN act on. */
  public interface Levers {
    CompletionStage<Void> reload();

    void shutdown();
  }

  private final SessionRegistry registry;
  private final ServerPools servers;
  private final Supplier<ProxySettings> settings;
  private final Levers levers;
  private final AnswerCache cache;

  public ProxyAdmin(SessionRegistry registry, ServerPools servers, Supplier<ProxySettings> settings,
      AnswerCache cache, Levers levers) {
    this.cache = cache;
    this.registry = registry;
    this.servers = servers;
    this.settings = settings;
    this.levers = levers;
  }

  @Override
  public List<PoolInfo> pools() {
    Map<PoolKey, int[]> clients = new HashMap<>(); // [active, waiting]
    for (ClientSession session : registry.sessions()) {
      if (session.database() != null && session.user() != null) {
        int[] counts = clients.computeIfAbsent(new PoolKey(session.user(), session.database()), k -> new int[2]);
        counts[session.isWaiting() ? 1 : 0]++;
      }
    }
    List<PoolInfo> pools = new ArrayList<>();
    for (Map.Entry<PoolKey, Pool<PooledServer>> entry : servers.pools().pools()) {
      PoolStats stats = entry.getValue().stats();
      int[] counts = clients.getOrDefault(entry.getKey(), new int[2]);
      pools.add(new PoolInfo(entry.getKey().database(), entry.getKey().user(), counts[0], counts[1], stats.active(),
          stats.idle() - stats.stale(), stats.stale(), stats.checking(), stats.connecting(), stats.maxWaitMicros(),
          servers.mode().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return pools;
  }

  @Override
  public List<ConnectionInfo> clients() {
    return registry.sessions().stream().map(session -> row(session.describe())).toList();
  }

  /** One line of SHOW CLIENTS, in PgBouncer's columns. */
  private static ConnectionInfo row(ClientSnapshot client) {
    InetSocketAddress remote = client.remote();
    InetSocketAddress local = client.local();
    ServerConnection held = client.server();
    return new ConnectionInfo("C", client.user(), client.database(), client.state(),
        remote == null ? null : remote.getAddress().getHostAddress(), remote == null ? 0 : remote.getPort(),
        local == null ? null : local.getAddress().getHostAddress(), local == null ? 0 : local.getPort(),
        client.connectedAt(), null, 0, client.sessionId(),
        held == null ? null : Integer.toHexString(System.identityHashCode(held)),
        held == null ? null : held.backendKey().processId(), client.tls() ? "TLS" : "", client.applicationName());
  }

  @Override
  public List<ConnectionInfo> servers() {
    Map<ServerConnection, ClientSession> holders = new HashMap<>();
    for (ClientSession session : registry.sessions()) {
      ServerConnection held = session.heldServer();
      if (held != null) {
        holders.put(held, session);
      }
    }
    List<ConnectionInfo> rows = new ArrayList<>();
    for (Map.Entry<ServerConnection, PoolKey> entry : servers.owners().entrySet()) {
      ServerConnection connection = entry.getKey();
      ClientSession holder = holders.get(connection);
      InetSocketAddress remote = (InetSocketAddress) connection.channel().remoteAddress();
      InetSocketAddress local = (InetSocketAddress) connection.channel().localAddress();
      rows.add(new ConnectionInfo("S", settings.get().upstream().url().user(), entry.getValue().database(),
          holder == null ? "idle" : "active", remote == null ? null : remote.getHostString(),
          remote == null ? 0 : remote.getPort(), local == null ? null : local.getAddress().getHostAddress(),
          local == null ? 0 : local.getPort(), null, null, 0,
          Integer.toHexString(System.identityHashCode(connection)),
          holder == null ? null : Integer.toHexString(System.identityHashCode(holder)),
          connection.backendKey().processId(), connection.channel().pipeline()
              .get(io.netty.handler.ssl.SslHandler.class) == null ? "" : "TLS",
          connection.parameters().get("application_name")));
    }
    return rows;
  }

  @Override
  public List<StatsInfo> stats() {
    Map<String, PoolTraffic.Totals> byDatabase = new TreeMap<>();
    servers.meters().forEach((key, meters) -> byDatabase.merge(key.database(), meters.totals(),
        PoolTraffic.Totals::plus));
    return byDatabase.entrySet().stream().map(entry -> {
      PoolTraffic.Totals t = entry.getValue();
      return new StatsInfo(entry.getKey(), t.transactions(), t.queries(), t.bytesReceived(), t.bytesSent(),
          t.transactionMicros(), t.queryMicros(), t.waitMicros());
    }).toList();
  }

  /** Every setting of the table, from config/SettingValues (which also masks secrets). */
  @Override
  public List<ConfigEntry> config() {
    return SettingValues.of(settings.get()).stream()
        .map(row -> new ConfigEntry(row.key(), row.value(), row.defaultValue(), row.reloadable())).toList();
  }

  @Override
  public CacheInfo cache() {
    return new CacheInfo(cache.report().stream().map(line -> new CacheFunctionInfo(line.function(), line.shared(),
        line.entries(), line.bytes(), line.hits(), line.misses(), line.coalesced(), line.evictions(), line.bypassed()))
        .toList(), cache.settings().maxSizeBytes(), cache.settings().generation(), cache.inFlight());
  }

  @Override
  public void clearCache() {
    cache.clear();
  }

  @Override
  public String version() {
    return "pgml-proxy " + ProxyVersion.text();
  }

  @Override
  public CompletionStage<Void> reload() {
    return levers.reload();
  }

  @Override
  public CompletionStage<Void> pause() {
    return servers.pools().pauseAll();
  }

  @Override
  public void resume() {
    servers.pools().resumeAll();
  }

  @Override
  public void shutdown() {
    levers.shutdown();
  }
}
