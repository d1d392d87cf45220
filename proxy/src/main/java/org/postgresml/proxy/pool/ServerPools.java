package org.postgresml.proxy.pool;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.postgresml.proxy.config.PoolLimits;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.config.PoolSettings;
import org.postgresml.proxy.prepared.PreparedCatalog;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.Upstream;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * Server connections from pools, one pool per (user, database): the adapter client sessions get
 * theirs from. In session mode a released connection gets {@code server_reset_query} (DISCARD ALL)
 * sent and is handed on at once: the reset's replies are consumed before the next client's, so the
 * reset costs that client no round trip. A connection left dirty (open transaction, unfinished COPY
 * or batch) is closed instead. Connections open through {@link PoolConnector}; what each pool has
 * besides them is in {@link PoolExtrasByKey}; what a client is told when it gets none, {@link PoolErrors}.
 */
public final class ServerPools implements ServerConnectionProvider, AutoCloseable {

  /** The reset after which a connection's session settings are the server's defaults again. */
  private static final String DISCARD_ALL = "DISCARD ALL";

  /** The pools themselves, made on a key's first login, removed when unused. */
  private final PoolManager<PooledServer> pools;
  /** Each pool's meters, prepared statements, accepted settings and server defaults. */
  private final PoolExtrasByKey extras;
  /** Opens the pools' connections and knows whose each is. */
  private final PoolConnector connector;
  /** Session or transaction mode; a reload may change it for the sessions that come next. */
  private volatile PoolMode mode;
  /** What a session-mode release sends before the connection is handed on; reloadable. */
  private volatile String resetQuery;

  /** @param inUse the pools clients are logged in to now (they keep them from removal as unused) */
  public ServerPools(Upstream upstream, EventLoopGroup loops, PoolMode mode, PoolSettings settings,
      PoolLimits limits, String resetQuery, MeterRegistry registry, Supplier<Set<PoolKey>> inUse) {
    this.mode = mode;
    this.resetQuery = resetQuery;
    this.extras = new PoolExtrasByKey(registry, this::statsOf);
    this.connector = new PoolConnector(upstream, loops, extras,
        (key, pooled) -> pools().find(key).ifPresent(pool -> pool.discard(pooled, CloseReason.SERVER_GONE)));
    this.pools = new PoolManager<>(settings, limits, loops, connector::factory, key -> extras.of(key).meters(),
        extras::remove, inUse);
  }

  @Override
  public Optional<String> admit(StartupMessage client) {
    try {
      pools.pool(keyOf(client));
      return Optional.empty();
    } catch (TooManyPoolsException e) {
      return Optional.of(e.getMessage());
    }
  }

  @Override
  public PoolMetrics meters(StartupMessage client) {
    return extras.of(keyOf(client)).meters();
  }

  /** Every pool's meters, for SHOW STATS. */
  public Map<PoolKey, PoolMetrics> meters() {
    return extras.meters();
  }

  @Override
  public Optional<Map<String, String>> serverDefaults(StartupMessage client) {
    return extras.find(keyOf(client)).flatMap(PoolExtras::serverDefaults);
  }

  @Override
  public PreparedCatalog catalog(StartupMessage client) {
    return extras.of(keyOf(client)).catalog();
  }

  @Override
  public AcceptedSettings acceptedSettings(StartupMessage client) {
    return extras.of(keyOf(client)).accepted();
  }

  /** The pool a client's connections come from: one per (user, database). */
  private static PoolKey keyOf(StartupMessage client) {
    return new PoolKey(client.user(), client.database());
  }

  private PoolStats statsOf(PoolKey key) {
    return pools.find(key).map(Pool::stats).orElse(PoolStats.EMPTY);
  }

  /** Opens the warm connections of the URL's pool before any client arrives; it is never removed as unused. */
  public void warmUp(PoolKey key) {
    pools.pin(key);
  }

  public PoolManager<PooledServer> pools() {
    return pools;
  }

  /** Every open server connection and its pool, for SHOW SERVERS. */
  public Map<ServerConnection, PoolKey> owners() {
    return connector.owners();
  }

  @Override
  public PoolMode mode() {
    return mode;
  }

  /** New pool settings from a reload; sessions and connections stay. */
  public void update(PoolMode newMode, PoolSettings settings, PoolLimits limits, String newResetQuery) {
    mode = newMode;
    resetQuery = newResetQuery;
    pools.updateSettings(settings, limits);
  }

  /**
   * A reload changed the upstream or its credentials: new connections use the new one, what the old
   * one taught the pools is forgotten, and every pool retires its old connections (idle now, held
   * when their clients release them).
   */
  public void updateUpstream(Upstream next) {
    connector.updateUpstream(next);
    extras.forgetUpstream();
    pools.drainAll();
  }

  @Override
  public Future<ServerConnection> acquire(EventLoop loop, StartupMessage client) {
    Promise<ServerConnection> result = loop.newPromise();
    PoolKey key = keyOf(client);
    CompletableFuture<PooledServer> acquired;
    try {
      acquired = pools.acquire(key, loop);
    } catch (TooManyPoolsException | PoolClosedException e) {
      return result.setFailure(PoolErrors.forClient(e, describe()));
    }
    acquired.whenComplete((pooled, failure) -> {
      if (failure != null) {
        Throwable cause = PoolErrors.forClient(failure, describe());
        if (cause instanceof UpstreamException upstream && upstream.isMissingDatabase()) {
          pools.removeIfQuiet(key); // a made-up database name leaves no pool behind
        }
        result.tryFailure(cause);
      } else if (!result.trySuccess(pooled.server())) {
        release(pooled.server(), true);
      }
    });
    return result;
  }

  @Override
  public void release(ServerConnection connection, boolean clean) {
    // Hand back on the connection's own loop, after what the last holder queued there (its detach,
    // its last writes): the next holder may live on that very loop and act at once, and its attach,
    // settings and frames must come after the reset, never before it.
    EventLoop loop = connection.channel().eventLoop();
    if (loop.inEventLoop()) {
      releaseOnLoop(connection, clean);
      return;
    }
    try {
      loop.execute(() -> releaseOnLoop(connection, clean));
    } catch (RejectedExecutionException e) {
      connection.close(); // the proxy is shutting down
    }
  }

  private void releaseOnLoop(ServerConnection connection, boolean clean) {
    PoolConnector.Ownership ownership = connector.owner(connection);
    Pool<PooledServer> pool = ownership == null ? null : pools.find(ownership.pool()).orElse(null);
    if (pool == null) {
      connection.close(); // its channel closed already, it never belonged to a pool, or its pool is gone
      return;
    }
    if (!clean || !connection.isUsable()) {
      pool.release(ownership.pooled(), false);
      return;
    }
    connection.setAutoRead(true); // the last client may have paused it (backpressure)
    // The releasing session's mode decides, not the pool's now: a reload from session to transaction
    // mode must not hand a session-mode client's SETs and temporary tables to the next holder.
    if (connection.takeNeedsReset()) {
      resetForNextClient(ownership.pooled(), pool);
    }
    pool.release(ownership.pooled(), true);
  }

  private void resetForNextClient(PooledServer pooled, Pool<PooledServer> pool) {
    ServerConnection connection = pooled.server();
    connection.clientSettings().clear();
    connection.startupParameters().forEach(connection::expectParameter);
    if (resetQuery.trim().equalsIgnoreCase(DISCARD_ALL)) {
      connection.settingsReset(); // queued ahead of the next holder; a failure discards the connection
    }
    connection.runInternal(resetQuery, error -> {
      if (error.isPresent()) {
        // Never hand on a connection whose reset failed; whoever got it meanwhile sees it close.
        connection.markBroken();
        pool.discard(pooled, CloseReason.DIRTY);
      }
    });
  }

  @Override
  public String describe() {
    return connector.upstream().address();
  }

  @Override
  public void cancel(EventLoop loop, ServerConnection connection) {
    PoolConnector.Ownership ownership = connector.owner(connection);
    (ownership == null ? connector.upstream() : ownership.origin()).cancel(loop, connection.backendKey());
  }

  @Override
  public void close() {
    pools.close();
  }
}
