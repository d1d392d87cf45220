package org.postgresml.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.DefaultEventExecutor;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.DataRow;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The upstream side of the relay on an embedded socket: frames reach the attached client untouched
 * and in order, wait while nobody is attached, and the proxy's own queries take their replies
 * before any client sees one. Every buffer handed to the listener is released by it.
 */
@ExtendWith(NettyLeakCheck.class)
class ServerRelayHandlerTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

  private final EmbeddedServer server = EmbeddedServer.loggedIn(100);
  private final Listener client = new Listener();

  @AfterEach
  void finish() {
    server.finish();
  }

  @Test
  void framesReachTheAttachedListenerUntouchedAndInOrder() {
    server.connection().attach(client);
    ByteBuf row = new DataRow(List.of("42")).encode(ALLOC);
    ByteBuf expected = row.copy();
    server.says(concat(row, new CommandComplete("SELECT 1").encode(ALLOC), ready()));
    assertThat(client.types()).isEqualTo("DCZ");
    assertThat(client.frames.get(0)).as("byte for byte").isEqualTo(expected);
    assertThat(client.readCompletes).isEqualTo(1);
    expected.release();
    client.release();
  }

  @Test
  void framesWhileNobodyIsAttachedWaitForTheNextListener() {
    server.says(new ParameterStatus("application_name", "late").encode(ALLOC));
    assertThat(client.frames).isEmpty();
    server.connection().attach(client);
    assertThat(client.types()).isEqualTo("S");
    assertThat(client.readCompletes).as("a flush for what waited").isEqualTo(1);
    assertThat(server.connection().parameters()).containsEntry("application_name", "late");
    client.release();
  }

  @Test
  void aDetachedListenerHearsNothingMore() {
    server.connection().attach(client);
    server.connection().detach();
    server.says(ready());
    assertThat(client.frames).isEmpty();
    Listener next = new Listener();
    server.connection().attach(next);
    assertThat(next.types()).as("the next holder gets what came in between").isEqualTo("Z");
    next.release();
  }

  @Test
  void theProxysOwnQueryTakesItsRepliesUpToReadyForQuery() {
    server.connection().attach(client);
    AtomicReference<Optional<ErrorResponse>> verdict = new AtomicReference<>();
    server.connection().runInternal("SET application_name = 'x'", verdict::set);
    assertThat(server.received()).isEqualTo("Q");
    server.says(concat(new CommandComplete("SET").encode(ALLOC), ready(), new DataRow(List.of("1")).encode(ALLOC)));
    assertThat(verdict.get()).isEmpty();
    assertThat(client.types()).as("only what came after the proxy's ReadyForQuery").isEqualTo("D");
    client.release();
  }

  @Test
  void theProxysOwnQueryIsToldTheServersError() {
    AtomicReference<Optional<ErrorResponse>> verdict = new AtomicReference<>();
    server.connection().runInternal("SET bogus = 1", verdict::set);
    server.received();
    server.says(concat(ErrorResponse.error("42704", "unrecognized configuration parameter").encode(ALLOC), ready()));
    assertThat(verdict.get()).hasValueSatisfying(error -> assertThat(error.sqlState()).isEqualTo("42704"));
  }

  @Test
  void anErrorNobodyAskedForMarksAnIdleConnectionBroken() {
    assertThat(server.connection().isUsable()).isTrue();
    server.says(ErrorResponse.fatal("57P01", "terminating connection due to administrator command").encode(ALLOC));
    assertThat(server.connection().isUsable()).as("never handed out in the moment before its socket closes")
        .isFalse();
    assertThat(server.connection().sentFatal()).isTrue();
  }

  @Test
  void aClosedSocketFailsTheProxysQueriesAndTellsTheListener() {
    server.connection().attach(client);
    AtomicReference<Optional<ErrorResponse>> verdict = new AtomicReference<>();
    server.connection().runInternal("", verdict::set);
    server.received();
    server.closes();
    assertThat(verdict.get()).hasValueSatisfying(error -> assertThat(error.sqlState())
        .isEqualTo(SqlState.CONNECTION_FAILURE));
    assertThat(client.closed).isTrue();
    assertThat(server.connection().sentFatal()).as("it vanished without a word").isFalse();
  }

  @Test
  void framesNobodyTookAreReleasedWithTheSocket() {
    server.says(concat(new DataRow(List.of("a")).encode(ALLOC), ready()));
    server.closes(); // the leak check fails the class if the queued frames were not released
    server.connection().attach(client);
    assertThat(client.frames).isEmpty();
  }

  @Test
  void aListenerOnAnotherLoopGetsEachReadsFramesInOneHandOver() throws Exception {
    DefaultEventExecutor elsewhere = new DefaultEventExecutor();
    try {
      Listener remote = new Listener(elsewhere);
      server.connection().attach(remote);
      server.says(concat(new DataRow(List.of("1")).encode(ALLOC), new CommandComplete("SELECT 1").encode(ALLOC),
          ready()));
      assertThat(remote.frames).as("none one by one").isEmpty();
      assertThat(remote.batches).as("one hand-over for the read, its end included").containsExactly("DCZ");
      assertThat(remote.readCompletes).isZero();
      server.says(ready());
      assertThat(remote.batches).containsExactly("DCZ", "Z");
      remote.release();
    } finally {
      elsewhere.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  @Test
  void framesThatWaitedReachAListenerOnAnotherLoopInOneHandOver() throws Exception {
    DefaultEventExecutor elsewhere = new DefaultEventExecutor();
    try {
      server.says(concat(new ParameterStatus("application_name", "late").encode(ALLOC), ready()));
      Listener remote = new Listener(elsewhere);
      server.connection().attach(remote);
      assertThat(remote.batches).containsExactly("SZ");
      assertThat(remote.frames).isEmpty();
      remote.release();
    } finally {
      elsewhere.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }

  private static ByteBuf ready() {
    return new ReadyForQuery(TransactionStatus.IDLE).encode(ALLOC);
  }

  private static ByteBuf concat(ByteBuf... messages) {
    ByteBuf all = ALLOC.buffer();
    for (ByteBuf message : messages) {
      all.writeBytes(message);
      message.release();
    }
    return all;
  }

  /** A client session as the connection sees it. */
  private static final class Listener implements ServerListener {
    final List<ByteBuf> frames = new ArrayList<>();
    /** The types of each hand-over's frames, for a listener on another loop. */
    final List<String> batches = new ArrayList<>();
    private final List<ByteBuf> batched = new ArrayList<>();
    private final EventExecutor executor;
    int readCompletes;
    boolean closed;

    Listener() {
      this(null);
    }

    Listener(EventExecutor executor) {
      this.executor = executor;
    }

    @Override
    public EventExecutor executor() {
      return executor;
    }

    @Override
    public void onServerFrames(List<ByteBuf> handedOver) {
      StringBuilder types = new StringBuilder();
      handedOver.forEach(frame -> types.append((char) frame.getByte(frame.readerIndex())));
      batches.add(types.toString());
      batched.addAll(handedOver);
    }

    @Override
    public void onServerFrame(ByteBuf frame) {
      frames.add(frame);
    }

    @Override
    public void onServerReadComplete() {
      readCompletes++;
    }

    @Override
    public void onServerWritabilityChanged(boolean writable) {}

    @Override
    public void onServerClosed() {
      closed = true;
    }

    String types() {
      StringBuilder types = new StringBuilder();
      frames.forEach(frame -> types.append((char) frame.getByte(frame.readerIndex())));
      return types.toString();
    }

    void release() {
      frames.forEach(ByteBuf::release);
      frames.clear();
      batched.forEach(ByteBuf::release);
      batched.clear();
    }
  }
}
