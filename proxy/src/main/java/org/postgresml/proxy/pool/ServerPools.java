package org.postgresml.proxy.pool;

import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import org.postgresml.proxy.async.Failures;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.pool.PoolMetrics;
import org.postgresml.proxy.pool.CloseReason;
import org.postgresml.proxy.pool.ConnectPendingException;
import org.postgresml.proxy.pool.ConnectionFactory;
import org.postgresml.proxy.pool.Pool;
import org.postgresml.proxy.pool.PoolClosedException;
import org.postgresml.proxy.pool.PoolExhaustedException;
import org.postgresml.proxy.pool.PoolKey;
import org.postgresml.proxy.config.PoolLimits;
import org.postgresml.proxy.pool.TooManyPoolsException;
import org.postgresml.proxy.pool.PoolManager;
import org.postgresml.proxy.config.PoolSettings;
import org.postgresml.proxy.pool.PoolStats;
import org.postgresml.proxy.prepared.PreparedCatalog;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * Server connections from pools, one pool per (user, database). In session mode a released
 * connection gets {@code server_reset_query} (DISCARD ALL) sent and is handed on at once: the
 * reset's replies are consumed before the next client's, so the reset costs that client no round
 * trip. A connection left dirty (open transaction, unfinished COPY or batch) is closed instead.
 */
public final class ServerPools implements ServerConnectionProvider, AutoCloseable {

  private volatile UpstreamConnector connector;
  private final EventLoopGroup loops;
  private final PoolManager<PooledServer> pools;
  private final Map<ServerConnection, Ownership> owners = new ConcurrentHashMap<>();
  /** Per pool, created with the pool or by its first client, whichever comes first; gone with the pool. */
  private final Map<PoolKey, PoolExtras> extras = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private volatile PoolMode mode;
  private volatile String resetQuery;

  /** @param inUse the pools clients are logged in to now (they keep them from removal as unused) */
  public ServerPools(UpstreamConnector connector, EventLoopGroup loops, PoolMode mode,
      PoolSettings settings, PoolLimits limits, String resetQuery, MeterRegistry registry,
      Supplier<Set<PoolKey>> inUse) {
    this.connector = connector;
    this.loops = loops;
    this.mode = mode;
    this.resetQuery = resetQuery;
    this.registry = registry;
    this.pools = new PoolManager<>(settings, limits, loops, this::factory, this::meters, this::forget, inUse);
  }

  // A pool went (unused, or its database does not exist): nothing of it stays, /metrics included.
  private void forget(PoolKey key) {
    PoolExtras gone = extras.remove(key);
    if (gone != null) {
      gone.meters().close();
    }
  }

  private PoolExtras extras(PoolKey key) {
    return extras.computeIfAbsent(key, k -> PoolExtras.fresh(new PoolMetrics(registry, k, () -> statsOf(k))));
  }

  @Override
  public java.util.Optional<String> admit(StartupMessage client) {
    try {
      pools.pool(keyOf(client));
      return java.util.Optional.empty();
    } catch (TooManyPoolsException e) {
      return java.util.Optional.of(e.getMessage());
    }
  }

  private PoolMetrics meters(PoolKey key) {
    return extras(key).meters();
  }

  @Override
  public PoolMetrics meters(StartupMessage client) {
    return meters(keyOf(client));
  }

  /** Every pool's meters, for SHOW STATS. */
  public Map<PoolKey, PoolMetrics> meters() {
    Map<PoolKey, PoolMetrics> meters = new java.util.HashMap<>();
    extras.forEach((key, pool) -> meters.put(key, pool.meters()));
    return meters;
  }

  @Override
  public java.util.Optional<Map<String, String>> serverDefaults(StartupMessage client) {
    PoolExtras pool = extras.get(keyOf(client));
    return pool == null ? java.util.Optional.empty() : pool.serverDefaults();
  }

  @Override
  public PreparedCatalog catalog(StartupMessage client) {
    return extras(keyOf(client)).catalog();
  }

  @Override
  public AcceptedSettings acceptedSettings(StartupMessage client) {
    return extras(keyOf(client)).accepted();
  }

  /** The pool a client's connections come from: one per (user, database). */
  private static PoolKey keyOf(StartupMessage client) {
    return new PoolKey(client.user(), client.database());
  }

  private PoolStats statsOf(PoolKey key) {
    return pools.find(key).map(Pool::stats).orElse(PoolStats.EMPTY);
  }

  private ConnectionFactory<PooledServer> factory(PoolKey key) {
    return new ConnectionFactory<>() {
      @Override
      public CompletableFuture<PooledServer> connect(Object affinity) {
        return open(key, affinity);
      }

      @Override
      public boolean isPermanent(Throwable failure) {
        return failure instanceof UpstreamException upstream && upstream.isPermanent();
      }
    };
  }

  private CompletableFuture<PooledServer> open(PoolKey key, Object affinity) {
    CompletableFuture<PooledServer> opened = new CompletableFuture<>();
    // On the waiting client's event loop, so that relaying never hops between threads.
    EventLoop loop = affinity instanceof EventLoop clientLoop ? clientLoop : loops.next();
    UpstreamConnector origin = connector;
    origin.connect(loop, key.database()).addListener(done -> {
      if (!done.isSuccess()) {
        opened.completeExceptionally(done.cause());
        return;
      }
      ServerConnection connection = (ServerConnection) done.getNow();
      PooledServer pooled = new PooledServer(connection);
      owners.put(connection, new Ownership(key, origin, pooled));
      if (origin == connector) {
        extras.computeIfPresent(key, (k, pool) -> pool.withServerDefaults(connection.startupParameters()));
      }
      connection.statements().reportTo(extras(key).catalog());
      // A connection that dies while idle (upstream restart) leaves the pool at once, which refills.
      connection.channel().closeFuture().addListener(closed -> {
        owners.remove(connection);
        pools.find(key).ifPresent(pool -> pool.discard(pooled, CloseReason.SERVER_GONE));
      });
      // Keep reading while idle: a server that goes away (restart, pg_terminate_backend) must be
      // noticed at once, not by the next client the connection is handed to.
      connection.setAutoRead(true);
      opened.complete(pooled);
    });
    return opened;
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
    Map<ServerConnection, PoolKey> pools = new java.util.HashMap<>();
    owners.forEach((connection, ownership) -> pools.put(connection, ownership.pool()));
    return pools;
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
   * A reload changed the upstream or its credentials: new connections use the new connector, and
   * every pool retires its old ones (idle now, held when their clients release them).
   */
  public void updateUpstream(UpstreamConnector newConnector) {
    connector = newConnector;
    extras.replaceAll((key, pool) -> pool.afresh());
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
      return result.setFailure(translate(e));
    }
    acquired.whenComplete((pooled, failure) -> {
      if (failure != null) {
        Throwable cause = translate(failure);
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

  private Throwable translate(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    if (cause instanceof PoolExhaustedException exhausted) {
      return new UpstreamException(SqlState.TOO_MANY_CONNECTIONS, exhausted.getMessage());
    }
    if (cause instanceof TooManyPoolsException) {
      return new UpstreamException(SqlState.TOO_MANY_CONNECTIONS, cause.getMessage());
    }
    if (cause instanceof ConnectPendingException pending) {
      return new UpstreamException(SqlState.UNABLE_TO_CONNECT, "could not connect to upstream " + connector.address()
          + " in time: " + pending.getMessage());
    }
    if (cause instanceof PoolClosedException) {
      return new UpstreamException(SqlState.ADMIN_SHUTDOWN, "the proxy is shutting down");
    }
    return cause;
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
    Ownership ownership = owners.get(connection);
    if (ownership == null) {
      connection.close(); // its channel closed already, or it never belonged to a pool
      return;
    }
    Pool<PooledServer> pool = pools.find(ownership.pool()).orElse(null);
    if (pool == null) {
      connection.close();
      return;
    }
    if (!clean || !connection.isUsable()) {
      pool.release(ownership.pooled(), false);
      return;
    }
    connection.setAutoRead(true); // the last client may have paused it (backpressure)
    if (mode == PoolMode.SESSION) {
      resetForNextClient(ownership.pooled(), pool);
    }
    pool.release(ownership.pooled(), true);
  }

  private void resetForNextClient(PooledServer pooled, Pool<PooledServer> pool) {
    ServerConnection connection = pooled.server();
    connection.clientSettings().clear();
    connection.startupParameters().forEach(connection::expectParameter);
    if (resetQuery.trim().equalsIgnoreCase("DISCARD ALL")) {
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
    return connector.address();
  }

  @Override
  public void cancel(EventLoop loop, ServerConnection connection) {
    Ownership ownership = owners.get(connection);
    (ownership == null ? connector : ownership.origin()).cancel(loop, connection.backendKey());
  }

  @Override
  public void close() {
    pools.close();
  }

  /**
   * Whose a server connection is: its pool, the connector that opened it (its cancels go there,
   * even after a reload changed the upstream), and the pool's handle on it.
   */
  private record Ownership(PoolKey pool, UpstreamConnector origin, PooledServer pooled) {}

  /**
   * What a pool has besides its connections. The meters live as long as the pool; the rest is what
   * its upstream taught the pool, started afresh when a reload changes the upstream.
   *
   * @param catalog the statements the upstream has parsed (transaction mode's prepared statements)
   * @param accepted the startup settings the upstream accepted
   * @param serverDefaults what the pool's last new connection reported at login, for transaction-mode
   *     logins answered without a server; empty until one logged in
   */
  private record PoolExtras(PoolMetrics meters, PreparedCatalog catalog, AcceptedSettings accepted,
      java.util.Optional<Map<String, String>> serverDefaults) {

    static PoolExtras fresh(PoolMetrics meters) {
      return new PoolExtras(meters, new PreparedCatalog(), new AcceptedSettings(), java.util.Optional.empty());
    }

    PoolExtras afresh() {
      return fresh(meters);
    }

    PoolExtras withServerDefaults(Map<String, String> reported) {
      return new PoolExtras(meters, catalog, accepted, java.util.Optional.of(reported));
    }
  }
}
