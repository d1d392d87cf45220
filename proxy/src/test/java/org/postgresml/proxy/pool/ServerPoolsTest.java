package org.postgresml.proxy.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.config.PoolLimits;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.config.PoolSettings;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.EmbeddedServer;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.Upstream;
import org.postgresml.proxy.upstream.UpstreamException;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The adapter sessions get their server connections from, with real pools in front of a fake
 * upstream whose connections are {@link EmbeddedServer}s: which pool a login maps to, the pool cap,
 * each pool's extras, a reload of the upstream, the session-mode reset, and what a client is told
 * when it gets no connection. The ITs run the same against real PostgreSQL.
 */
@ExtendWith(NettyLeakCheck.class)
class ServerPoolsTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final Duration QUERY_WAIT = Duration.ofSeconds(30);

  private final DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
  /** The client sessions' event loop. */
  private final EventLoop client = new DefaultEventLoop();
  private final FakeUpstream upstream = new FakeUpstream("pgml.example:5432");
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private ServerPools servers;

  @AfterEach
  void close() {
    if (servers != null) {
      servers.close();
    }
    upstream.finish();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    client.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static PoolSettings settings(int size, Duration queryWait) {
    return new PoolSettings(size, 0, queryWait, Duration.ofMinutes(10), Duration.ofHours(1), 0,
        Duration.ofSeconds(30), Duration.ofSeconds(5));
  }

  private ServerPools servers(PoolMode mode, PoolSettings settings, int maxPools) {
    servers = new ServerPools(upstream, loops, mode, settings, new PoolLimits(maxPools, Duration.ofMinutes(10)),
        "DISCARD ALL", registry, Set::of);
    return servers;
  }

  private ServerPools servers(PoolMode mode) {
    return servers(mode, settings(4, QUERY_WAIT), 10);
  }

  private static StartupMessage login(String user, String database) {
    return new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", user, "database", database));
  }

  private ServerConnection acquire(StartupMessage login) throws Exception {
    return servers.acquire(client, login).get(10, TimeUnit.SECONDS);
  }

  /** What the session is told when it gets no connection. */
  private UpstreamException refusal(StartupMessage login) {
    Future<ServerConnection> acquired = servers.acquire(client, login);
    await().atMost(Duration.ofSeconds(20)).until(acquired::isDone);
    assertThat(acquired.isSuccess()).isFalse();
    assertThat(acquired.cause()).isInstanceOf(UpstreamException.class);
    return (UpstreamException) acquired.cause();
  }

  @Test
  void clientsOfOneUserAndDatabaseShareAPoolAndEveryOtherPairGetsItsOwn() throws Exception {
    servers(PoolMode.TRANSACTION);
    ServerConnection first = acquire(login("app", "db1"));
    servers.release(first, true);
    assertThat(acquire(login("app", "db1"))).as("the same pool's idle connection").isSameAs(first);
    ServerConnection otherDatabase = acquire(login("app", "db2"));
    ServerConnection otherUser = acquire(login("bob", "db1"));

    assertThat(upstream.databases).containsExactly("db1", "db2", "db1");
    assertThat(servers.pools().pools()).extracting(Map.Entry::getKey).containsExactlyInAnyOrder(
        new PoolKey("app", "db1"), new PoolKey("app", "db2"), new PoolKey("bob", "db1"));
    assertThat(servers.owners()).containsEntry(first, new PoolKey("app", "db1"))
        .containsEntry(otherDatabase, new PoolKey("app", "db2")).containsEntry(otherUser, new PoolKey("bob", "db1"));
  }

  @Test
  void aLoginThatNeedsOneMorePoolThanTheCapIsRefusedWith53300AndLeavesNothingBehind() throws Exception {
    servers(PoolMode.SESSION, settings(4, QUERY_WAIT), 1);
    assertThat(servers.admit(login("app", "db1"))).isEmpty();
    assertThat(servers.admit(login("app", "db2"))).hasValueSatisfying(
        why -> assertThat(why).startsWith("too many pools: 1"));
    UpstreamException refused = refusal(login("app", "db2"));
    assertThat(refused.sqlState()).isEqualTo(SqlState.TOO_MANY_CONNECTIONS);
    assertThat(refused.getMessage()).startsWith("too many pools: 1");

    assertThat(upstream.databases).isEmpty();
    assertThat(servers.pools().find(new PoolKey("app", "db2"))).isEmpty();
    assertThat(servers.meters()).containsOnlyKeys(new PoolKey("app", "db1"));
    assertThat(acquire(login("app", "db1"))).as("the pool within the cap serves").isNotNull();
  }

  @Test
  void eachPoolHasItsOwnExtrasAndLearnsItsServerDefaultsFromItsFirstLogin() throws Exception {
    servers(PoolMode.TRANSACTION);
    StartupMessage app = login("app", "db1");
    StartupMessage other = login("app", "db2");
    assertThat(servers.serverDefaults(app)).as("no connection logged in yet").isEmpty();
    assertThat(servers.catalog(app)).isSameAs(servers.catalog(login("app", "db1")))
        .isNotSameAs(servers.catalog(other));
    assertThat(servers.acceptedSettings(app)).isSameAs(servers.acceptedSettings(app))
        .isNotSameAs(servers.acceptedSettings(other));
    assertThat(servers.meters(app)).isSameAs(servers.meters().get(new PoolKey("app", "db1")))
        .isNotSameAs(servers.meters(other));

    acquire(app);
    assertThat(servers.serverDefaults(app)).contains(EmbeddedServer.PARAMETERS);
    assertThat(servers.serverDefaults(other)).isEmpty();
  }

  @Test
  void aNewUpstreamRetiresTheOldConnectionsAndWhatTheOldUpstreamTaughtButKeepsTheMeters() throws Exception {
    servers(PoolMode.TRANSACTION);
    StartupMessage app = login("app", "db1");
    ServerConnection held = acquire(app);
    ServerConnection idle = acquire(app);
    servers.release(idle, true);
    PoolMetrics meters = servers.meters(app);
    var catalog = servers.catalog(app);
    var accepted = servers.acceptedSettings(app);

    FakeUpstream replacement = new FakeUpstream("pgml-new.example:5432");
    try {
      servers.updateUpstream(replacement);
      assertThat(idle.channel().isActive()).as("idle: closed now").isFalse();
      assertThat(held.channel().isActive()).as("held: its client keeps it").isTrue();
      assertThat(servers.catalog(app)).isNotSameAs(catalog);
      assertThat(servers.acceptedSettings(app)).isNotSameAs(accepted);
      assertThat(servers.serverDefaults(app)).isEmpty();
      assertThat(servers.meters(app)).isSameAs(meters);
      assertThat(servers.describe()).isEqualTo("pgml-new.example:5432");

      servers.cancel(client, held);
      assertThat(upstream.cancels).as("a cancel goes to the upstream that opened it")
          .containsExactly(held.backendKey().processId());
      assertThat(replacement.cancels).isEmpty();

      servers.release(held, true);
      assertThat(held.channel().isActive()).as("retired: closed when released").isFalse();
      ServerConnection fresh = acquire(app);
      assertThat(fresh).isNotIn(held, idle);
      assertThat(replacement.databases).containsExactly("db1");
      assertThat(upstream.databases).containsExactly("db1", "db1");
      assertThat(servers.serverDefaults(app)).as("learnt again from the new upstream").isPresent();
    } finally {
      replacement.finish();
    }
  }

  @Test
  void aSessionModeReleaseResetsTheConnectionAheadOfTheNextClientAndAFailedResetDiscardsIt() throws Exception {
    servers(PoolMode.SESSION);
    StartupMessage app = login("app", "db1");
    ServerConnection connection = acquire(app);
    connection.heldForASession(); // as a session-mode client's relay marks it when it attaches
    EmbeddedServer server = upstream.serverOf(connection);
    servers.release(connection, true);
    List<ByteBuf> sent = server.receivedFrames();
    try {
      assertThat(sent).hasSize(1);
      assertThat((char) sent.get(0).getByte(0)).isEqualTo('Q');
      assertThat(Codec.body(sent.get(0)).toString(StandardCharsets.UTF_8)).isEqualTo("DISCARD ALL\0");
    } finally {
      sent.forEach(ByteBuf::release);
    }
    assertThat(acquire(app)).as("handed on at once, before the reset's answer").isSameAs(connection);

    server.says(ErrorResponse.error("25001", "cannot run inside a transaction block").encode(ALLOC));
    server.says(new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC));
    assertThat(connection.isUsable()).isFalse();
    assertThat(server.channel().isActive()).as("discarded: its holder sees it close").isFalse();
    assertThat(acquire(app)).isNotSameAs(connection);
  }

  @Test
  void aConnectionNoSessionModeClientHeldIsHandedOnWithoutAReset() throws Exception {
    servers(PoolMode.SESSION);
    ServerConnection connection = acquire(login("app", "db1"));
    servers.release(connection, true); // e.g. the client left before its greeting: nothing of its ran
    assertThat(upstream.serverOf(connection).received()).isEmpty();
  }

  @Test
  void aTransactionModeReleaseSendsNothing() throws Exception {
    servers(PoolMode.TRANSACTION);
    ServerConnection connection = acquire(login("app", "db1"));
    servers.release(connection, true);
    assertThat(upstream.serverOf(connection).received()).isEmpty();
    assertThat(acquire(login("app", "db1"))).isSameAs(connection);
  }

  @Test
  void aDirtyReleaseClosesTheConnectionAndTheNextClientGetsAFreshOne() throws Exception {
    servers(PoolMode.SESSION);
    ServerConnection dirty = acquire(login("app", "db1"));
    servers.release(dirty, false);
    assertThat(dirty.channel().isActive()).isFalse();
    assertThat(servers.owners()).doesNotContainKey(dirty);
    assertThat(acquire(login("app", "db1"))).isNotSameAs(dirty);
  }

  @Test
  void aConnectionWhoseServerWentAwayWhileIdleLeavesItsPoolAtOnce() throws Exception {
    servers(PoolMode.TRANSACTION);
    ServerConnection connection = acquire(login("app", "db1"));
    servers.release(connection, true);
    upstream.serverOf(connection).closes();
    assertThat(servers.owners()).doesNotContainKey(connection);
    assertThat(servers.pools().find(new PoolKey("app", "db1")).orElseThrow().stats().idle()).isZero();
    assertThat(acquire(login("app", "db1"))).isNotSameAs(connection);
  }

  @Test
  void aClientThatFindsEveryConnectionInUseIsToldSoWith53300() throws Exception {
    servers(PoolMode.SESSION, settings(1, Duration.ofMillis(200)), 10);
    acquire(login("app", "db1"));
    UpstreamException refused = refusal(login("app", "db1"));
    assertThat(refused.sqlState()).isEqualTo(SqlState.TOO_MANY_CONNECTIONS);
    assertThat(refused.getMessage()).contains("no server connection free in pool app@db1");
  }

  @Test
  void aClientWhoseConnectNeverAnsweredIsToldTheUpstreamWasNotReachedInTime() {
    servers(PoolMode.SESSION, settings(1, Duration.ofMillis(200)), 10);
    upstream.hang = true;
    UpstreamException refused = refusal(login("app", "db1"));
    assertThat(refused.sqlState()).isEqualTo(SqlState.UNABLE_TO_CONNECT);
    assertThat(refused.getMessage()).startsWith("could not connect to upstream pgml.example:5432 in time");
  }

  @Test
  void aDatabaseTheUpstreamLacksIsItsOwnErrorAndLeavesNoPoolBehind() {
    servers(PoolMode.SESSION);
    UpstreamException missing = UpstreamException.refusedLogin("pgml.example:5432", SqlState.INVALID_CATALOG_NAME,
        "database \"nope\" does not exist");
    upstream.failures.add(missing);
    assertThat(refusal(login("app", "nope"))).isSameAs(missing);
    assertThat(servers.pools().find(new PoolKey("app", "nope"))).isEmpty();
    assertThat(servers.meters()).doesNotContainKey(new PoolKey("app", "nope"));
  }

  @Test
  void afterCloseAClientIsToldTheProxyIsShuttingDown() {
    servers(PoolMode.SESSION);
    servers.close();
    UpstreamException refused = refusal(login("app", "db1"));
    assertThat(refused.sqlState()).isEqualTo(SqlState.ADMIN_SHUTDOWN);
    assertThat(refused.getMessage()).isEqualTo("the proxy is shutting down");
  }

  /**
   * An upstream whose connections are embedded channels, answered at once: each connect logs in a
   * new one (pids from 100), unless a failure is queued or {@link #hang} says it never answers.
   */
  static final class FakeUpstream implements Upstream {

    private final String address;
    /** Each connect's database, in order. */
    final List<String> databases = new CopyOnWriteArrayList<>();
    /** Backend pids a CancelRequest was sent for. */
    final List<Integer> cancels = new CopyOnWriteArrayList<>();
    /** Failures the next connects get, in order. */
    final Deque<Throwable> failures = new ArrayDeque<>();
    private final Map<ServerConnection, EmbeddedServer> servers = new IdentityHashMap<>();
    /** Connects never finish (an upstream that accepts TCP and then says nothing). */
    volatile boolean hang;
    private int nextPid = 100;

    FakeUpstream(String address) {
      this.address = address;
    }

    @Override
    public synchronized Future<ServerConnection> connect(EventLoop loop, String database) {
      databases.add(database);
      if (hang) {
        return ImmediateEventExecutor.INSTANCE.newPromise();
      }
      if (!failures.isEmpty()) {
        return ImmediateEventExecutor.INSTANCE.newFailedFuture(failures.poll());
      }
      EmbeddedServer server = EmbeddedServer.loggedIn(nextPid++);
      servers.put(server.connection(), server);
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(server.connection());
    }

    @Override
    public Future<Void> cancel(EventLoop loop, BackendKeyData upstreamKey) {
      cancels.add(upstreamKey.processId());
      return ImmediateEventExecutor.INSTANCE.newSucceededFuture(null);
    }

    @Override
    public String address() {
      return address;
    }

    synchronized EmbeddedServer serverOf(ServerConnection connection) {
      return servers.get(connection);
    }

    synchronized void finish() {
      servers.values().forEach(EmbeddedServer::finish);
    }
  }
}
