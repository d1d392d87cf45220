package org.postgresml.proxy.session;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.pool.PoolKey;
import org.postgresml.proxy.pool.PoolMetrics;
import org.postgresml.proxy.pool.PoolStats;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.EmbeddedServer;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * A pool of {@link EmbeddedServer}s: hands them out in order, takes back the clean ones (a client
 * waits when none is free), and records every release. A failure set with {@link #failWith} fails
 * the next acquire. Everything on the test's thread (embedded channels run their tasks inline).
 */
final class FakeServers extends StubServerProvider {

  private final Deque<ServerConnection> free = new ArrayDeque<>();
  private final Deque<Promise<ServerConnection>> waiting = new ArrayDeque<>();
  private final Map<ServerConnection, EmbeddedServer> servers = new IdentityHashMap<>();
  /** Each release, in order: the backend pid and whether it was clean ("41 clean", "41 dirty"). */
  final List<String> releases = new ArrayList<>();
  /** Backend pids a cancel was sent for. */
  final List<Integer> cancels = new ArrayList<>();
  private Throwable failure;
  /** What the pool's connections reported at login, once a test says the pool has logged in before. */
  private Optional<Map<String, String>> defaults = Optional.empty();

  FakeServers(PoolMode mode) {
    super("127.0.0.1:5432", mode, new PoolMetrics(new SimpleMeterRegistry(), new PoolKey("app", "app"),
        () -> PoolStats.EMPTY));
  }

  /** A new idle server connection in the pool. */
  EmbeddedServer add(int backendPid) {
    EmbeddedServer server = EmbeddedServer.loggedIn(backendPid);
    servers.put(server.connection(), server);
    free.add(server.connection());
    return server;
  }

  /** A new server connection that goes to the client waiting longest (or idles in the pool when none waits). */
  EmbeddedServer arrives(int backendPid) {
    EmbeddedServer server = EmbeddedServer.loggedIn(backendPid);
    servers.put(server.connection(), server);
    Promise<ServerConnection> next = waiting.poll();
    if (next != null) {
      next.setSuccess(server.connection());
    } else {
      free.add(server.connection());
    }
    return server;
  }

  /** The pool has logged in before: logins that may be greeted from its parameters need no connection. */
  void loggedInBefore(Map<String, String> reported) {
    defaults = Optional.of(reported);
  }

  @Override
  public Optional<Map<String, String>> serverDefaults(StartupMessage client) {
    return defaults;
  }

  void failWith(Throwable next) {
    failure = next;
  }

  @Override
  public Future<ServerConnection> acquire(EventLoop loop, StartupMessage client) {
    if (failure != null) {
      Throwable cause = failure;
      failure = null;
      return loop.newFailedFuture(cause);
    }
    ServerConnection connection = free.poll();
    if (connection != null) {
      return loop.newSucceededFuture(connection);
    }
    Promise<ServerConnection> promise = loop.newPromise();
    waiting.add(promise);
    return promise;
  }

  @Override
  public void release(ServerConnection connection, boolean clean) {
    releases.add(connection.backendKey().processId() + (clean ? " clean" : " dirty"));
    if (!clean) {
      servers.get(connection).closes();
      return;
    }
    Promise<ServerConnection> next = waiting.poll();
    if (next != null) {
      next.setSuccess(connection);
    } else {
      free.add(connection);
    }
  }

  /** The connections that were handed out, closed (dirty) or never used, all released. */
  void finish() {
    servers.values().forEach(EmbeddedServer::finish);
  }

  @Override
  public void cancel(EventLoop loop, ServerConnection connection) {
    cancels.add(connection.backendKey().processId());
  }
}
