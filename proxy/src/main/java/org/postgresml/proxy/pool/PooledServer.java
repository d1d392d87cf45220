package org.postgresml.proxy.pool;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * A server connection as its pool holds it. The pool's contract ({@link PooledConnection}) is met
 * here rather than by {@link ServerConnection} itself, so the upstream side knows nothing of pools
 * (upstream sits below pool in the package layers). One per server connection, for its whole life.
 */
public final class PooledServer implements PooledConnection {

  /** The upstream connection this handle stands for. */
  private final ServerConnection server;

  PooledServer(ServerConnection server) {
    this.server = server;
  }

  public ServerConnection server() {
    return server;
  }

  @Override
  public boolean isUsable() {
    return server.isUsable();
  }

  /** An empty query: the cheapest round trip that proves the backend still answers. */
  @Override
  public CompletionStage<Boolean> checkHealth() {
    CompletableFuture<Boolean> healthy = new CompletableFuture<>();
    server.runInternal("", error -> healthy.complete(error.isEmpty()));
    return healthy;
  }

  /** The connection's event loop: a client on the same loop relays without a thread hop. */
  @Override
  public Object affinity() {
    return server.channel().eventLoop();
  }

  @Override
  public void close(CloseReason reason) {
    server.close();
  }
}
