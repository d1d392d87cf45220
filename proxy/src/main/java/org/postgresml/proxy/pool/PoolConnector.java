package org.postgresml.proxy.pool;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.Upstream;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * Opens the pools' server connections through the current {@link Upstream} and remembers whose each
 * one is: its pool, and the upstream that opened it (its cancels go there, even after a reload
 * changed the upstream). Thread-safe: pools connect from every event loop.
 */
final class PoolConnector {

  /** Where new connections come from; replaced by a reload that changed the upstream or its credentials. */
  private volatile Upstream upstream;
  /** Where a connection nobody waits for yet (the warm minimum) opens. */
  private final EventLoopGroup loops;
  /** Every open pooled connection, until its channel closes: for release, cancel and SHOW SERVERS. */
  private final Map<ServerConnection, Ownership> owners = new ConcurrentHashMap<>();
  /** What a new connection teaches its pool (server defaults, the statements it prepares). */
  private final PoolExtrasByKey extras;
  /** Told when a pooled connection's socket closed, so its pool lets it go and refills. */
  private final BiConsumer<PoolKey, PooledServer> closed;

  PoolConnector(Upstream upstream, EventLoopGroup loops, PoolExtrasByKey extras,
      BiConsumer<PoolKey, PooledServer> closed) {
    this.upstream = upstream;
    this.loops = loops;
    this.extras = extras;
    this.closed = closed;
  }

  /**
   * Whose a server connection is: its pool, the upstream that opened it, and the pool's handle on it.
   */
  record Ownership(PoolKey pool, Upstream origin, PooledServer pooled) {}

  Upstream upstream() {
    return upstream;
  }

  /** New connections go to this upstream; open ones keep theirs. */
  void updateUpstream(Upstream next) {
    upstream = next;
  }

  /** How the key's pool opens connections. */
  ConnectionFactory<PooledServer> factory(PoolKey key) {
    return new ConnectionFactory<>() {
      @Override
      public CompletionStage<PooledServer> connect(Object affinity) {
        return open(key, affinity);
      }

      @Override
      public boolean isPermanent(Throwable failure) {
        return failure instanceof UpstreamException refused && refused.isPermanent();
      }
    };
  }

  /** Whose the connection is; null once its channel closed, or when no pool opened it. */
  Ownership owner(ServerConnection connection) {
    return owners.get(connection);
  }

  /** Every open pooled connection and its pool, for SHOW SERVERS. */
  Map<ServerConnection, PoolKey> owners() {
    Map<ServerConnection, PoolKey> pools = new HashMap<>();
    owners.forEach((connection, ownership) -> pools.put(connection, ownership.pool()));
    return pools;
  }

  private CompletableFuture<PooledServer> open(PoolKey key, Object affinity) {
    CompletableFuture<PooledServer> opened = new CompletableFuture<>();
    // On the waiting client's event loop, so that relaying never hops between threads.
    EventLoop loop = affinity instanceof EventLoop clientLoop ? clientLoop : loops.next();
    Upstream origin = upstream;
    origin.connect(loop, key.database()).addListener(done -> {
      if (!done.isSuccess()) {
        opened.completeExceptionally(done.cause());
        return;
      }
      ServerConnection connection = (ServerConnection) done.getNow();
      PooledServer pooled = new PooledServer(connection);
      owners.put(connection, new Ownership(key, origin, pooled));
      if (origin == upstream) { // what an upstream replaced meanwhile reported teaches the pool nothing
        extras.learnedServerDefaults(key, connection.startupParameters());
      }
      connection.statements().reportTo(extras.of(key).catalog());
      // A connection that dies while idle (upstream restart) leaves the pool at once, which refills.
      connection.channel().closeFuture().addListener(gone -> {
        owners.remove(connection);
        closed.accept(key, pooled);
      });
      // Keep reading while idle: a server that goes away (restart, pg_terminate_backend) must be
      // noticed at once, not by the next client the connection is handed to.
      connection.setAutoRead(true);
      opened.complete(pooled);
    });
    return opened;
  }
}
