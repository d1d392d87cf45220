package org.postgresml.proxy.prepared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.backend.BindComplete;
import org.postgresml.proxy.protocol.backend.CloseComplete;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParseComplete;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.frontend.Bind;
import org.postgresml.proxy.protocol.frontend.Close;
import org.postgresml.proxy.protocol.frontend.Describe;
import org.postgresml.proxy.protocol.frontend.Parse;
import org.postgresml.proxy.protocol.frontend.Query;
import org.postgresml.proxy.protocol.frontend.Sync;
import org.postgresml.proxy.protocol.frontend.TargetKind;

class StatementRewriterTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final Parse SELECT = new Parse("S_1", "SELECT $1::int", new int[] {23});
  private static final String PROXY_NAME = StatementNames.of(SELECT);

  private final List<ByteBuf> sent = new ArrayList<>();
  private final ClientStatements client = new ClientStatements();
  private final ServerStatements server = new ServerStatements(100);
  /** Says which Parse and Close the server skipped after an error, as in a session. */
  private final Conversation conversation = new Conversation();

  @BeforeEach
  void follow() {
    conversation.reset(server);
  }

  @AfterEach
  void release() {
    sent.forEach(ByteBuf::release);
  }

  private List<ByteBuf> send(ByteBuf frame, ClientStatements from, ServerStatements to) {
    List<ByteBuf> out = StatementRewriter.toServer(frame, from, to, ALLOC);
    if (to == server) {
      out.forEach(message -> conversation.clientSent(FrameDecoder.type(message)));
    }
    sent.addAll(out);
    return out;
  }

  private boolean reply(ByteBuf frame, ServerStatements to) {
    try {
      boolean forClient = StatementRewriter.toClient(frame, to); // first, as ClientSession does
      if (to == server) {
        conversation.serverSent(frame);
      }
      return forClient;
    } finally {
      frame.release();
    }
  }

  private static ByteBuf bind(String statement) {
    ByteBuf buf = Codec.begin(ALLOC, (char) MessageType.BIND);
    Codec.writeCString(buf, "");
    Codec.writeCString(buf, statement);
    buf.writeShort(0).writeShort(1).writeInt(2).writeBytes(new byte[] {'4', '2'}).writeShort(0);
    return Codec.finish(buf);
  }

  private static char type(ByteBuf frame) {
    return (char) FrameDecoder.type(frame);
  }

  @Test
  void theFirstParseIsSentUnderTheProxyNameAndItsReplyReachesTheClient() {
    List<ByteBuf> out = send(SELECT.encode(ALLOC), client, server);
    assertThat(out).hasSize(1);
    assertThat(Parse.decode(Codec.body(out.get(0))).name()).isEqualTo(PROXY_NAME).startsWith("pgml_proxy_");
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), server)).isTrue();
    assertThat(server.preparedCount()).isEqualTo(1);
  }

  @Test
  void aStatementAlreadyOnTheServerIsPreparedAgainForTheClientThatParsesIt() {
    send(SELECT.encode(ALLOC), client, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);

    // Another client (or this one again, after DDL): a plan made now, not the one made before.
    ClientStatements other = new ClientStatements();
    List<ByteBuf> out = send(SELECT.renamed("other_name").encode(ALLOC), other, server);
    assertThat(out).extracting(StatementRewriterTest::type).containsExactly('C', 'P');
    assertThat(Close.decode(Codec.body(out.get(0))).name()).isEqualTo(PROXY_NAME);
    assertThat(Parse.decode(Codec.body(out.get(1))).name()).isEqualTo(PROXY_NAME);
    assertThat(reply(CloseComplete.INSTANCE.encode(ALLOC), server)).as("the proxy's own Close").isFalse();
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), server)).as("the client's Parse").isTrue();
    assertThat(server.preparedCount()).isEqualTo(1);

    List<ByteBuf> bound = send(bind("other_name"), other, server);
    assertThat(bound).hasSize(1);
    assertThat(Bind.statementName(bound.get(0))).isEqualTo(PROXY_NAME);
    assertThat(send(bind("S_1"), client, server)).extracting(StatementRewriterTest::type).containsExactly('B');
  }

  @Test
  void aStatementTheServerReportsStaleIsForgottenHereAndInTheCatalogAndPreparedAgainAtItsNextUse() {
    PreparedCatalog catalog = new PreparedCatalog();
    server.reportTo(catalog);
    send(SELECT.encode(ALLOC), client, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    assertThat(catalog.isKnown(PROXY_NAME)).isTrue();

    // ALTER TABLE … TYPE elsewhere; the next Bind is refused by RevalidateCachedQuery.
    send(bind("S_1"), client, server);
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    assertThat(reply(stalePlanError(), server)).as("the client sees the error, as from PostgreSQL").isTrue();
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    assertThat(catalog.isKnown(PROXY_NAME)).isFalse();
    assertThat(server.preparedCount()).isZero();

    List<ByteBuf> again = send(bind("S_1"), client, server);
    assertThat(again).extracting(StatementRewriterTest::type).containsExactly('C', 'P', 'B');
    assertThat(Close.decode(Codec.body(again.get(0))).name()).isEqualTo(PROXY_NAME);
    assertThat(reply(CloseComplete.INSTANCE.encode(ALLOC), server)).isFalse();
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), server)).isFalse();
    assertThat(server.preparedCount()).isEqualTo(1);
  }

  @Test
  void anErrorAfterABindThatSucceededBlamesNoStatement() {
    send(SELECT.encode(ALLOC), client, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);
    send(bind("S_1"), client, server);
    reply(BindComplete.INSTANCE.encode(ALLOC), server);
    assertThat(reply(stalePlanError(), server)).isTrue(); // from the Execute: no Bind is unanswered
    assertThat(server.preparedCount()).isEqualTo(1);
  }

  private static ByteBuf stalePlanError() {
    java.util.Map<Character, String> fields = new java.util.LinkedHashMap<>();
    fields.put('S', "ERROR");
    fields.put('C', "0A000");
    fields.put('M', "cached plan must not change result type");
    fields.put('R', "RevalidateCachedQuery");
    return new ErrorResponse(fields).encode(ALLOC);
  }

  @Test
  void aBindOnAServerThatLacksTheStatementPreparesItFirstAndSwallowsThatReply() {
    send(SELECT.encode(ALLOC), client, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);

    ServerStatements otherServer = new ServerStatements(100);
    List<ByteBuf> out = send(bind("S_1"), client, otherServer);
    assertThat(out).extracting(StatementRewriterTest::type).containsExactly('P', 'B');
    assertThat(Parse.decode(Codec.body(out.get(0))).name()).isEqualTo(PROXY_NAME);
    assertThat(Bind.statementName(out.get(1))).isEqualTo(PROXY_NAME);
    // parameters pass through byte for byte
    ByteBuf expected = bind(PROXY_NAME);
    assertThat(out.get(1)).isEqualTo(expected);
    expected.release();
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), otherServer)).isFalse();
    assertThat(otherServer.preparedCount()).isEqualTo(1);
  }

  @Test
  void aStatementPreparedAheadOfABindTheServerSkippedIsPreparedAgainNextTime() {
    ServerStatements first = new ServerStatements(100);
    send(SELECT.encode(ALLOC), client, first);
    reply(ParseComplete.INSTANCE.encode(ALLOC), first);
    // On a server that lacks S_1: an error, then a Bind the server skips (and the Parse ahead of it).
    send(new Parse("", "SELECT 1/0", new int[0]).encode(ALLOC), client, server);
    assertThat(send(bind("S_1"), client, server)).extracting(StatementRewriterTest::type).containsExactly('P', 'B');
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    reply(ErrorResponse.error("22012", "division by zero").encode(ALLOC), server);
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    assertThat(send(bind("S_1"), client, server)).extracting(StatementRewriterTest::type).containsExactly('P', 'B');
  }

  @Test
  void aParseInFlightInAnEarlierBatchIsNotReliedOnByTheNextBatch() {
    ServerStatements first = new ServerStatements(100);
    send(SELECT.encode(ALLOC), client, first);
    reply(ParseComplete.INSTANCE.encode(ALLOC), first);
    // Batch 1: an error, then a Bind of S_1, prepared ahead of it, that the server will skip.
    send(new Parse("", "SELECT 1/0", new int[0]).encode(ALLOC), client, server);
    assertThat(send(bind("S_1"), client, server)).extracting(StatementRewriterTest::type).containsExactly('P', 'B');
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    // Batch 2, pipelined behind it: whether batch 1's Parse runs is not known yet, so Close, then Parse.
    assertThat(send(new Describe(TargetKind.STATEMENT, "S_1").encode(ALLOC), client, server))
        .extracting(StatementRewriterTest::type).containsExactly('C', 'P', 'D');
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    reply(ErrorResponse.error("22012", "division by zero").encode(ALLOC), server);
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    assertThat(reply(CloseComplete.INSTANCE.encode(ALLOC), server)).as("the proxy's own Close").isFalse();
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), server)).as("the proxy's own Parse").isFalse();
    assertThat(server.preparedCount()).isEqualTo(1);
    assertThat(send(bind("S_1"), client, server)).extracting(StatementRewriterTest::type).containsExactly('B');
  }

  @Test
  void describeOfAStatementIsRenamedAndPortalsPassUntouched() {
    send(SELECT.encode(ALLOC), client, server);
    List<ByteBuf> out = send(new Describe(TargetKind.STATEMENT, "S_1").encode(ALLOC), client, server);
    assertThat(out).hasSize(1);
    assertThat(Describe.decode(Codec.body(out.get(0))).name()).isEqualTo(PROXY_NAME);

    ByteBuf portal = new Describe(TargetKind.PORTAL, "").encode(ALLOC);
    assertThat(send(portal, client, server)).containsExactly(portal);
  }

  @Test
  void closingAStatementKeepsItOnTheServerForOthersAndAnswersTheClient() {
    send(SELECT.encode(ALLOC), client, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);
    List<ByteBuf> out = send(new Close(TargetKind.STATEMENT, "S_1").encode(ALLOC), client, server);
    assertThat(Close.decode(Codec.body(out.get(0))).name()).isNotEqualTo(PROXY_NAME);
    assertThat(reply(CloseComplete.INSTANCE.encode(ALLOC), server)).isTrue();
    assertThat(server.preparedCount()).isEqualTo(1);
    assertThat(client.size()).isZero();
  }

  @Test
  void unknownAndUnnamedStatementsPassThrough() {
    ByteBuf unknown = bind("never_prepared");
    assertThat(send(unknown, client, server)).containsExactly(unknown);
    ByteBuf unnamed = new Parse("", "SELECT 1", new int[0]).encode(ALLOC);
    assertThat(send(unnamed, client, server)).containsExactly(unnamed);
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), server)).isTrue();
  }

  @Test
  void aParseThatFailedIsNotRememberedAsPrepared() {
    send(SELECT.encode(ALLOC), client, server);
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    // the server answered ErrorResponse and skipped to Sync: no ParseComplete, then ReadyForQuery
    reply(ErrorResponse.error("42601", "syntax error").encode(ALLOC), server);
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    assertThat(server.preparedCount()).isZero();
    List<ByteBuf> out = send(bind("S_1"), client, server);
    assertThat(out).extracting(StatementRewriterTest::type).containsExactly('P', 'B');
  }

  @Test
  void aReadyForQueryEndsOnlyTheOldestOfPipelinedBatches() {
    // pgjdbc: BEGIN as a simple Query, the statement's Parse/Bind/Sync behind it in the same write.
    send(new Query("BEGIN").encode(ALLOC), client, server);
    send(SELECT.encode(ALLOC), client, server);
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IN_TRANSACTION).encode(ALLOC), server);
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), server)).as("the Parse's reply is still expected").isTrue();
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IN_TRANSACTION).encode(ALLOC), server);
    assertThat(server.preparedCount()).isEqualTo(1);
    assertThat(send(bind("S_1"), client, server)).extracting(StatementRewriterTest::type).containsExactly('B');
  }

  @Test
  void theLeastRecentlyUsedStatementIsClosedWhenTheServerIsFull() {
    ServerStatements small = new ServerStatements(1);
    send(SELECT.encode(ALLOC), client, small);
    reply(ParseComplete.INSTANCE.encode(ALLOC), small);
    List<ByteBuf> out = send(new Parse("S_2", "SELECT 2", new int[0]).encode(ALLOC), client, small);
    assertThat(out).extracting(StatementRewriterTest::type).containsExactly('C', 'P');
    assertThat(Close.decode(Codec.body(out.get(0))).name()).isEqualTo(PROXY_NAME);
    assertThat(reply(CloseComplete.INSTANCE.encode(ALLOC), small)).isFalse();
    assertThat(reply(ParseComplete.INSTANCE.encode(ALLOC), small)).isTrue();
    assertThat(small.preparedCount()).isEqualTo(1);
  }

  @Test
  void discardAllForgetsWhatTheServerHadPrepared() {
    send(SELECT.encode(ALLOC), client, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);
    ByteBuf tag = Codec.begin(ALLOC, (char) MessageType.COMMAND_COMPLETE);
    Codec.writeCString(tag, "DISCARD ALL");
    assertThat(reply(Codec.finish(tag), server)).isTrue();
    assertThat(server.preparedCount()).isZero();
  }

  @Test
  void namesDependOnQueryAndParameterTypesOnly() {
    assertThat(StatementNames.of(SELECT)).isEqualTo(StatementNames.of(SELECT.renamed("x")));
    assertThat(StatementNames.of(SELECT)).isNotEqualTo(StatementNames.of(new Parse("S_1", "SELECT $1::int",
        new int[] {20})));
  }

  @Test
  void aParseCompleteTellsThePoolsCatalogThatTheStatementParses() {
    PreparedCatalog catalog = new PreparedCatalog();
    server.reportTo(catalog);
    send(SELECT.encode(ALLOC), client, server);
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    assertThat(catalog.isKnown(PROXY_NAME)).isFalse();

    reply(ParseComplete.INSTANCE.encode(ALLOC), server);
    assertThat(catalog.isKnown(PROXY_NAME)).isTrue();
  }

  @Test
  void aParseAnsweredByAnErrorIsForgottenByTheCatalog() {
    PreparedCatalog catalog = new PreparedCatalog();
    catalog.parsed(PROXY_NAME);
    server.reportTo(catalog);
    send(SELECT.encode(ALLOC), client, server);
    send(Sync.INSTANCE.encode(ALLOC), client, server);

    // ErrorResponse, then the ReadyForQuery that ends the batch with its ParseComplete never sent.
    reply(ErrorResponse.error("42601", "syntax error").encode(ALLOC), server);
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    assertThat(catalog.isKnown(PROXY_NAME)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(chars = {'P', 'B', 'D', 'C'})
  void aFrameThatDoesNotDecodeIsReleasedAndRefused(char type) {
    send(SELECT.encode(ALLOC), client, server); // a statement the client could name
    ByteBuf truncated = Codec.begin(ALLOC, type);
    truncated.writeBytes("S_1".getBytes(java.nio.charset.StandardCharsets.US_ASCII)); // no terminator
    ByteBuf frame = Codec.finish(truncated);
    assertThatThrownBy(() -> send(frame, client, server)).isInstanceOf(ProtocolException.class);
    assertThat(frame.refCnt()).as("the malformed frame's memory is given back").isZero();
  }

  @ParameterizedTest
  @ValueSource(chars = {'D', 'C'})
  void aDescribeOrCloseWithNoBodyIsAProtocolViolation(char type) {
    ByteBuf frame = Codec.finish(Codec.begin(ALLOC, type));
    assertThatThrownBy(() -> send(frame, client, server)).isInstanceOf(ProtocolException.class);
    assertThat(frame.refCnt()).isZero();
  }

  @Test
  void aClientPastItsPreparedStatementLimitIsRefusedAndTheFrameReleased() {
    ClientStatements capped = new ClientStatements(2, 1_000);
    send(SELECT.encode(ALLOC), capped, server);
    send(new Parse("S_2", "SELECT 2", new int[0]).encode(ALLOC), capped, server);
    send(new Parse("S_2", "SELECT 22", new int[0]).encode(ALLOC), capped, server); // redefining is no new one
    ByteBuf third = new Parse("S_3", "SELECT 3", new int[0]).encode(ALLOC);
    assertThatThrownBy(() -> send(third, capped, server)).isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("too many prepared statements").hasMessageContaining("limits.maxPreparedStatements");
    assertThat(third.refCnt()).isZero();
    assertThat(capped.size()).isEqualTo(2);
    send(new Close(TargetKind.STATEMENT, "S_2").encode(ALLOC), capped, server);
    send(new Parse("S_3", "SELECT 3", new int[0]).encode(ALLOC), capped, server);
    assertThat(capped.size()).isEqualTo(2);
  }

  @Test
  void aClientsStatementsAreBoundedInTextToo() {
    ClientStatements capped = new ClientStatements(100, 20);
    send(new Parse("a", "SELECT 1234567890", new int[0]).encode(ALLOC), capped, server);
    ByteBuf more = new Parse("b", "SELECT 1234567890", new int[0]).encode(ALLOC);
    assertThatThrownBy(() -> send(more, capped, server)).isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("query text");
    assertThat(more.refCnt()).isZero();
  }

  @Test
  void aParsePipelinedBehindDiscardAllStillDefinesItsStatement() {
    // Found by StatementRewriterFuzzTest: DISCARD ALL, then a Parse in the same write.
    send(new Query("DISCARD ALL").encode(ALLOC), client, server);
    send(SELECT.encode(ALLOC), client, server);
    ByteBuf tag = Codec.begin(ALLOC, (char) MessageType.COMMAND_COMPLETE);
    Codec.writeCString(tag, "DISCARD ALL");
    reply(Codec.finish(tag), server);
    ClientStatements other = new ClientStatements();
    List<ByteBuf> out = send(SELECT.renamed("other").encode(ALLOC), other, server);
    assertThat(out).as("known to be there: closed first, never parsed over itself (42P05)")
        .extracting(StatementRewriterTest::type).containsExactly('C', 'P');
    assertThat(Close.decode(Codec.body(out.get(0))).name()).isEqualTo(PROXY_NAME);
  }

  @Test
  void aCloseSkippedAfterAnErrorLeavesTheStatementToBeClosedBeforeItIsParsedAgain() {
    // Found by StatementRewriterFuzzTest: the re-prepare's Close and Parse skipped by an earlier error.
    send(SELECT.encode(ALLOC), client, server);
    send(Sync.INSTANCE.encode(ALLOC), client, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    ClientStatements other = new ClientStatements();
    assertThat(send(SELECT.renamed("again").encode(ALLOC), other, server)).extracting(StatementRewriterTest::type)
        .containsExactly('C', 'P');
    send(Sync.INSTANCE.encode(ALLOC), other, server);
    // An error earlier in the batch: the server skipped the Close and the Parse, then ReadyForQuery.
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    List<ByteBuf> out = send(bind("again"), other, server);
    assertThat(out).as("the statement is still on the server: closed before it is parsed again")
        .extracting(StatementRewriterTest::type).containsExactly('C', 'P', 'B');
  }

  @Test
  void aStatementClosedToBePreparedAgainIsGoneWhenTheNewParseFails() {
    // Found by StatementRewriterFuzzTest: the first Parse's reply came after the re-prepare's Close was sent.
    send(SELECT.encode(ALLOC), client, server);
    ClientStatements other = new ClientStatements();
    assertThat(send(SELECT.renamed("again").encode(ALLOC), other, server)).extracting(StatementRewriterTest::type)
        .containsExactly('C', 'P');
    send(Sync.INSTANCE.encode(ALLOC), other, server);
    reply(ParseComplete.INSTANCE.encode(ALLOC), server);
    reply(CloseComplete.INSTANCE.encode(ALLOC), server);
    // The new Parse failed (a table dropped meanwhile): ErrorResponse, then ReadyForQuery.
    reply(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC), server);
    assertThat(send(bind("again"), other, server)).as("prepared again before the Bind, not bound to nothing (26000)")
        .extracting(StatementRewriterTest::type).endsWith('P', 'B');
  }

  @Test
  void anEvictionCloseSkippedAfterAnErrorLeavesTheEvictedStatementToBeClosedBeforeItIsParsedAgain() {
    // The case described with StatementRewriterFuzzTest's crash-1cbcd212 (a harness defect, docs/testing.md): with
    // room for two, preparing a third evicts the oldest, and an error earlier in that batch skips
    // the eviction's Close and the Parse behind it, so the evicted statement is still on the server.
    ServerStatements two = new ServerStatements(2);
    Conversation session = new Conversation();
    session.reset(two);
    Parse first = new Parse("a", "SELECT 1", new int[0]);
    Parse second = new Parse("b", "SELECT 2", new int[0]);
    Parse third = new Parse("c", "SELECT 3", new int[0]);
    for (ByteBuf frame : List.of(first.encode(ALLOC), second.encode(ALLOC), Sync.INSTANCE.encode(ALLOC))) {
      sendTo(two, session, frame);
    }
    replyFrom(two, session, ParseComplete.INSTANCE.encode(ALLOC));
    replyFrom(two, session, ParseComplete.INSTANCE.encode(ALLOC));
    replyFrom(two, session, new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC));

    sendTo(two, session, new Parse("", "SELECT nonsense(", new int[0]).encode(ALLOC));
    List<ByteBuf> evicting = sendTo(two, session, third.encode(ALLOC));
    assertThat(evicting).extracting(StatementRewriterTest::type).containsExactly('C', 'P');
    assertThat(Close.decode(Codec.body(evicting.get(0))).name()).isEqualTo(StatementNames.of(first));
    sendTo(two, session, Sync.INSTANCE.encode(ALLOC));
    // The unnamed Parse fails: the eviction's Close and the Parse of the third are skipped.
    replyFrom(two, session, ErrorResponse.error("42601", "syntax error at end of input").encode(ALLOC));
    replyFrom(two, session, new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(ALLOC));

    List<ByteBuf> again = sendTo(two, session, bind("a"));
    assertThat(again).as("the first is still there: closed before it is parsed again, never 42P05")
        .extracting(StatementRewriterTest::type).containsExactly('C', 'P', 'B');
    assertThat(Close.decode(Codec.body(again.get(0))).name()).isEqualTo(StatementNames.of(first));
    assertThat(sendTo(two, session, bind("c"))).as("the third was never defined: parsed before its Bind")
        .extracting(StatementRewriterTest::type).endsWith('P', 'B');
  }

  /** A frame through the rewriter to a server connection other than {@code server}, followed by its session. */
  private List<ByteBuf> sendTo(ServerStatements to, Conversation session, ByteBuf frame) {
    List<ByteBuf> out = StatementRewriter.toServer(frame, client, to, ALLOC);
    out.forEach(message -> session.clientSent(FrameDecoder.type(message)));
    sent.addAll(out);
    return out;
  }

  private static void replyFrom(ServerStatements from, Conversation session, ByteBuf frame) {
    try {
      StatementRewriter.toClient(frame, from);
      session.serverSent(frame);
    } finally {
      frame.release();
    }
  }
}
