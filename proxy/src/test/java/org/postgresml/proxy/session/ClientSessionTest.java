package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.DataRow;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.protocol.backend.RowDescription;
import org.postgresml.proxy.protocol.frontend.Query;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.protocol.frontend.Terminate;
import org.postgresml.proxy.upstream.EmbeddedServer;
import org.postgresml.proxy.upstream.UpstreamException;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * A client session on an {@link EmbeddedChannel} against {@link FakeServers}: the login, the relay of
 * a query both ways, when the server connection goes back (and whether clean), in both pool modes.
 * Every buffer read out of a channel is released; the leak check fails the class otherwise.
 */
@ExtendWith(NettyLeakCheck.class)
class ClientSessionTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private FakeServers servers;
  private EmbeddedChannel client;

  @AfterEach
  void finish() {
    if (client != null) {
      client.finishAndReleaseAll();
    }
    if (servers != null) {
      servers.finish();
    }
  }

  private EmbeddedChannel connect(PoolMode mode, String... flags) {
    servers = new FakeServers(mode);
    // trust on a loopback listener: the login needs no password exchange, the test no SCRAM client
    List<String> args = new java.util.ArrayList<>(List.of("--client-auth", "trust", "--listen-host", "127.0.0.1"));
    args.addAll(List.of(flags));
    client = StubSessions.withServers(servers, args.toArray(String[]::new)).connect();
    return client;
  }

  private void logIn() {
    client.writeInbound(new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", StubSessions.USER,
        "database", "app")).encode(ALLOC));
    client.runPendingTasks();
    client.checkException();
  }

  private void send(ByteBuf frame) {
    client.writeInbound(frame);
    client.runPendingTasks();
    client.checkException();
  }

  @Test
  void sessionModeRelaysAQueryBothWaysAndGivesTheConnectionBackCleanWhenTheClientLeaves() {
    connect(PoolMode.SESSION, "--session-server-at", "login");
    servers.loggedInBefore(Map.of("server_version", "15.0"));
    EmbeddedServer server = servers.add(4242);
    logIn();
    List<ByteBuf> greeting = frames(client);
    assertThat(types(greeting)).startsWith("R").contains("S").endsWith("KZ");
    assertThat(keyOf(greeting).processId()).as("taken at login, the backend's real pid").isEqualTo(4242);
    release(greeting);

    send(new Query("SELECT 1").encode(ALLOC));
    assertThat(server.received()).isEqualTo("Q");
    server.says(concat(new DataRow(List.of("1")).encode(ALLOC), new CommandComplete("SELECT 1").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
    assertThat(typesOf(client)).isEqualTo("DCZ");
    assertThat(servers.releases).as("session mode holds the connection between transactions").isEmpty();

    send(Terminate.INSTANCE.encode(ALLOC));
    assertThat(client.isActive()).isFalse();
    assertThat(servers.releases).containsExactly("4242 clean");
    assertThat(server.received()).as("the client's Terminate is the proxy's, not the server's").isEmpty();
  }

  @Test
  void sessionModeGreetsFromThePoolsParametersAndTakesItsConnectionAtTheFirstMessageForGood() {
    connect(PoolMode.SESSION);
    servers.loggedInBefore(Map.of("server_version", "15.0", "TimeZone", "UTC"));
    logIn();
    List<ByteBuf> greeting = frames(client);
    assertThat(types(greeting)).startsWith("R").contains("S").endsWith("KZ");
    assertThat(keyOf(greeting).processId()).as("no backend named: the pid is the proxy's").isPositive();
    release(greeting);

    EmbeddedServer server = servers.add(31);
    assertThat(server.received()).as("nothing taken or sent before the client speaks").isEmpty();
    send(new Query("SELECT 1").encode(ALLOC));
    assertThat(server.received()).isEqualTo("Q");
    server.says(concat(new DataRow(List.of("1")).encode(ALLOC), new CommandComplete("SELECT 1").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
    assertThat(typesOf(client)).isEqualTo("DCZ");

    send(new Query("SELECT 2").encode(ALLOC));
    assertThat(server.received()).as("the same connection, held between transactions").isEqualTo("Q");
    server.says(concat(new CommandComplete("SELECT 1").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
    assertThat(typesOf(client)).isEqualTo("CZ");
    assertThat(servers.releases).isEmpty();

    send(Terminate.INSTANCE.encode(ALLOC));
    assertThat(servers.releases).containsExactly("31 clean");
  }

  @Test
  void aSessionModeClientGreetedFromThePoolThatLeavesWithoutAWordTakesNoConnection() {
    connect(PoolMode.SESSION);
    servers.loggedInBefore(Map.of("server_version", "15.0"));
    EmbeddedServer server = servers.add(32);
    logIn();
    release(frames(client));

    send(Terminate.INSTANCE.encode(ALLOC));
    assertThat(client.isActive()).isFalse();
    assertThat(servers.releases).as("no connection taken, so none to reset").isEmpty();
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aPoolsFirstSessionModeLoginIsGreetedByItsConnectionWhichTheClientKeepsWithoutItsPid() {
    connect(PoolMode.SESSION);
    EmbeddedServer server = servers.add(4343);
    logIn();
    List<ByteBuf> greeting = frames(client);
    assertThat(types(greeting)).endsWith("KZ");
    assertThat(keyOf(greeting).processId()).as("greeted from the pool's way: never a backend's pid").isNotEqualTo(4343);
    release(greeting);
    assertThat(servers.releases).as("the connection that answered the login stays the client's").isEmpty();

    send(new Query("SELECT 1").encode(ALLOC));
    assertThat(server.received()).isEqualTo("Q");
  }

  @Test
  void sessionModeFlushesNothingToTheServerForACallTheCacheAnswers(@TempDir Path dir) throws IOException {
    Path config = Files.writeString(dir.resolve("cache.yaml"), "cache:\n  functions:\n    - name: pgml.embed\n");
    servers = new FakeServers(PoolMode.SESSION);
    client = StubSessions.withServers(servers, "--client-auth", "trust", "--listen-host", "127.0.0.1",
        "--config", config.toString()).connect();
    EmbeddedServer server = servers.add(4242);
    AtomicInteger flushes = new AtomicInteger();
    server.channel().pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
      @Override
      public void flush(ChannelHandlerContext ctx) {
        flushes.incrementAndGet();
        ctx.flush();
      }
    });
    logIn();
    release(frames(client));

    String call = "SELECT pgml.embed('intfloat/e5-small-v2', 'embed this text')";
    send(new Query(call).encode(ALLOC));
    assertThat(server.received()).as("the first call fills the cache").isEqualTo("Q");
    server.says(concat(new RowDescription(List.of("embed")).encode(ALLOC),
        new DataRow(List.of("{0.5,0.25}")).encode(ALLOC), new CommandComplete("SELECT 1").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
    assertThat(typesOf(client)).isEqualTo("TDCZ");
    int flushed = flushes.get();

    send(new Query(call).encode(ALLOC));
    assertThat(typesOf(client)).as("answered from the cache").isEqualTo("TDCZ");
    assertThat(server.received()).isEmpty();
    // On another event loop, a flush of nothing would wake that loop for each cached answer.
    assertThat(flushes.get()).as("flushes of the server connection").isEqualTo(flushed);
  }

  @Test
  void transactionModeHoldsAConnectionFromTheFirstMessageToReadyForQueryIdle() {
    connect(PoolMode.TRANSACTION);
    EmbeddedServer server = servers.add(77);
    logIn();
    List<ByteBuf> greeting = frames(client);
    assertThat(types(greeting)).endsWith("KZ");
    assertThat(keyOf(greeting).processId()).as("no backend is the client's: the pid is the proxy's").isNotEqualTo(77);
    release(greeting);
    assertThat(servers.releases).as("the login only borrowed the server's parameters").containsExactly("77 clean");

    send(new Query("BEGIN").encode(ALLOC));
    assertThat(server.received()).isEqualTo("Q");
    server.says(concat(new CommandComplete("BEGIN").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IN_TRANSACTION).encode(ALLOC)));
    assertThat(typesOf(client)).isEqualTo("CZ");
    assertThat(servers.releases).as("held while the transaction is open").hasSize(1);

    send(new Query("COMMIT").encode(ALLOC));
    assertThat(server.received()).isEqualTo("Q");
    server.says(concat(new CommandComplete("COMMIT").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
    assertThat(typesOf(client)).isEqualTo("CZ");
    assertThat(servers.releases).as("given back at ReadyForQuery 'I'").containsExactly("77 clean", "77 clean");

    send(new Query("SELECT 2").encode(ALLOC));
    assertThat(server.received()).as("the next transaction takes a connection again").isEqualTo("Q");
    server.says(concat(new CommandComplete("SELECT 1").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
    assertThat(typesOf(client)).isEqualTo("CZ");
    assertThat(servers.releases).hasSize(3).allMatch(release -> release.endsWith("clean"));
  }

  @Test
  void transactionModeNeverShowsAClientWhatTheServerSaysAfterItsTransaction() {
    connect(PoolMode.TRANSACTION);
    EmbeddedServer server = servers.add(5);
    logIn();
    release(frames(client));
    EmbeddedChannel first = client;
    send(new Query("SELECT 1").encode(ALLOC));
    server.received();
    server.says(concat(new CommandComplete("SELECT 1").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
    assertThat(typesOf(first)).isEqualTo("CZ");

    // A second client of the same pool gets the same server connection for its query.
    EmbeddedChannel second = StubSessions.withServers(servers, "--client-auth", "trust", "--listen-host",
        "127.0.0.1").connect();
    try {
      second.writeInbound(new StartupMessage(StartupMessage.PROTOCOL_3_0, Map.of("user", StubSessions.USER,
          "database", "app")).encode(ALLOC));
      release(frames(second));
      second.writeInbound(new Query("SELECT 'second'").encode(ALLOC));
      assertThat(server.received()).isEqualTo("Q");
      server.says(concat(new DataRow(List.of("second")).encode(ALLOC), new CommandComplete("SELECT 1").encode(ALLOC),
          new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC)));
      assertThat(typesOf(second)).isEqualTo("DCZ");
      assertThat((Object) first.readOutbound()).as("the first client sees none of the second's replies").isNull();
    } finally {
      second.finishAndReleaseAll();
    }
  }

  @ParameterizedTest
  @EnumSource(PoolMode.class)
  void aClientThatLeavesMidTransactionLeavesADirtyConnection(PoolMode mode) {
    connect(mode);
    EmbeddedServer server = servers.add(9);
    logIn();
    release(frames(client));
    send(new Query("BEGIN").encode(ALLOC));
    server.says(concat(new CommandComplete("BEGIN").encode(ALLOC),
        new ReadyForQuery(TransactionStatus.IN_TRANSACTION).encode(ALLOC)));
    release(frames(client));
    send(new Query("SELECT pg_sleep(10)").encode(ALLOC));

    client.close();
    client.runPendingTasks();
    assertThat(servers.releases.get(servers.releases.size() - 1)).as("never handed on dirty").isEqualTo("9 dirty");
    assertThat(server.channel().isActive()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(PoolMode.class)
  void aClientThatLeavesWithAReplyOutstandingLeavesADirtyConnection(PoolMode mode) {
    connect(mode);
    servers.add(10);
    logIn();
    release(frames(client));
    send(new Query("SELECT 1").encode(ALLOC));

    client.close();
    client.runPendingTasks();
    assertThat(servers.releases.get(servers.releases.size() - 1)).isEqualTo("10 dirty");
  }

  @ParameterizedTest
  @EnumSource(PoolMode.class)
  void anUnreachableUpstreamEndsTheLoginWithItsSqlState(PoolMode mode) {
    connect(mode);
    servers.failWith(new UpstreamException(SqlState.CONNECTION_FAILURE, "connection to upstream refused"));
    logIn();
    List<ByteBuf> replies = frames(client);
    assertThat(types(replies)).isEqualTo("E");
    ErrorResponse error = ErrorResponse.decode(Codec.body(replies.get(0)));
    release(replies);
    assertThat(error.sqlState()).isEqualTo(SqlState.CONNECTION_FAILURE);
    assertThat(error.isFatal()).isTrue();
    assertThat(error.message()).isEqualTo("connection to upstream refused");
    assertThat(client.isActive()).isFalse();
  }

  @ParameterizedTest
  @EnumSource(PoolMode.class)
  void anUpstreamThatVanishesMidQueryEndsTheClientWith08006(PoolMode mode) {
    connect(mode);
    EmbeddedServer server = servers.add(11);
    logIn();
    release(frames(client));
    send(new Query("SELECT 1").encode(ALLOC));

    server.closes();
    client.runPendingTasks();
    List<ByteBuf> replies = frames(client);
    assertThat(types(replies)).isEqualTo("E");
    ErrorResponse error = ErrorResponse.decode(Codec.body(replies.get(0)));
    release(replies);
    assertThat(error.sqlState()).isEqualTo(SqlState.CONNECTION_FAILURE);
    assertThat(error.message()).contains("lost");
    assertThat(client.isActive()).isFalse();
    assertThat(servers.releases.get(servers.releases.size() - 1)).isEqualTo("11 dirty");
  }

  @Test
  void anUpstreamFatalIsRelayedAsTheServerSaidIt() {
    connect(PoolMode.SESSION);
    EmbeddedServer server = servers.add(12);
    logIn();
    release(frames(client));
    send(new Query("SELECT 1").encode(ALLOC));

    server.says(ErrorResponse.fatal("57P01", "terminating connection due to administrator command").encode(ALLOC));
    server.closes();
    client.runPendingTasks();
    List<ByteBuf> replies = frames(client);
    assertThat(types(replies)).as("the server's own FATAL, no second one of the proxy's").isEqualTo("E");
    ErrorResponse error = ErrorResponse.decode(Codec.body(replies.get(0)));
    release(replies);
    assertThat(error.sqlState()).isEqualTo("57P01");
    assertThat(client.isActive()).isFalse();
  }

  @Test
  void aFrontendTypePostgresDoesNotDefineIsRefusedAndNeverForwarded() {
    connect(PoolMode.SESSION);
    EmbeddedServer server = servers.add(13);
    logIn();
    release(frames(client));
    ByteBuf unknown = ALLOC.buffer().writeByte('!').writeInt(4);
    send(unknown);
    List<ByteBuf> replies = frames(client);
    ErrorResponse error = ErrorResponse.decode(Codec.body(replies.get(0)));
    release(replies);
    assertThat(error.sqlState()).isEqualTo(SqlState.PROTOCOL_VIOLATION);
    assertThat(server.received()).isEmpty();
    assertThat(servers.releases).as("nothing reached the server: the connection owes nothing")
        .containsExactly("13 clean");
  }

  @ParameterizedTest
  @EnumSource(PoolMode.class)
  void framesSentBeforeTheServerConnectionCameGoToItInOrderAfterTheGreeting(PoolMode mode) {
    connect(mode); // no server free: the login waits for one (CONNECTING)
    logIn();
    assertThat((Object) client.readOutbound()).as("the greeting waits for a server's parameters").isNull();
    send(concat(new Query("SELECT 'a'").encode(ALLOC), new Query("SELECT 'b'").encode(ALLOC)));

    EmbeddedServer server = servers.arrives(21);
    client.runPendingTasks();
    assertThat(typesOf(client)).as("the greeting, from that connection").startsWith("R").endsWith("KZ");
    List<ByteBuf> received = server.receivedFrames();
    assertThat(received).extracting(frame -> Query.decode(Codec.body(frame)).sql())
        .as("both, in the order sent, on the connection that answered the login").containsExactly("SELECT 'a'", "SELECT 'b'");
    release(received);
    assertThat(servers.releases).as("the connection is held for the queued transaction").isEmpty();
  }

  @org.junit.jupiter.api.Test
  void everyStateMayEndAndOnlyTheDrawnMovesAreAllowed() {
    for (ClientSession.State state : ClientSession.State.values()) {
      assertThat(state.next(ClientSession.State.CLOSED)).as(state + " -> CLOSED").isTrue();
    }
    assertThat(ClientSession.State.SERVED_LOCALLY.next(ClientSession.State.RELAYING)).isFalse();
    assertThat(ClientSession.State.CLOSED.next(ClientSession.State.RELAYING)).isFalse();
    assertThat(ClientSession.State.ACQUIRING.next(ClientSession.State.IDLE))
        .as("a connection acquired for a transaction is attached first").isFalse();
    assertThat(ClientSession.State.AUTHENTICATING.next(ClientSession.State.AWAITING_STARTUP)).isFalse();
    assertThat(ClientSession.State.IDLE.next(ClientSession.State.RELAYING)).as("through ACQUIRING").isFalse();
    assertThat(ClientSession.State.CONNECTING.next(ClientSession.State.IDLE))
        .as("transaction mode: the login's connection goes back").isTrue();
    assertThat(ClientSession.State.CACHE_WAIT.next(ClientSession.State.RELAYING)).isTrue();
    assertThat(ClientSession.State.CACHE_WAIT.next(ClientSession.State.IDLE)).isTrue();
  }


  // Reading what the client was sent: each write may hold several messages (the greeting is one).

  private static List<ByteBuf> frames(EmbeddedChannel channel) {
    channel.runPendingTasks();
    List<ByteBuf> frames = new ArrayList<>();
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) out;
      try {
        while (buf.isReadable()) {
          frames.add(buf.readRetainedSlice(buf.getInt(buf.readerIndex() + 1) + 1));
        }
      } finally {
        buf.release();
      }
    }
    return frames;
  }

  private static String types(List<ByteBuf> frames) {
    StringBuilder types = new StringBuilder();
    frames.forEach(frame -> types.append((char) frame.getByte(frame.readerIndex())));
    return types.toString();
  }

  private static String typesOf(EmbeddedChannel channel) {
    List<ByteBuf> frames = frames(channel);
    try {
      return types(frames);
    } finally {
      release(frames);
    }
  }

  private static BackendKeyData keyOf(List<ByteBuf> frames) {
    for (ByteBuf frame : frames) {
      if (frame.getByte(frame.readerIndex()) == 'K') {
        ByteBuf body = Codec.body(frame);
        return new BackendKeyData(body.getInt(body.readerIndex()), body.getInt(body.readerIndex() + 4));
      }
    }
    throw new AssertionError("no BackendKeyData in the greeting");
  }

  private static void release(List<ByteBuf> frames) {
    frames.forEach(ByteBuf::release);
  }

  private static ByteBuf concat(ByteBuf... messages) {
    ByteBuf all = ALLOC.buffer();
    for (ByteBuf message : messages) {
      all.writeBytes(message);
      message.release();
    }
    return all;
  }
}
