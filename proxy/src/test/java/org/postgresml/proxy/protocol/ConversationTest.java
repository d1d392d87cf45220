package org.postgresml.proxy.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresml.proxy.protocol.FrontendMessage.Answer;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;

/**
 * The reply rules of protocol 3.0, one by one: what settles each frontend message, and when a
 * server connection owes its client nothing. Messages are written as their type bytes ("PBES"),
 * backend replies as type letters, a ReadyForQuery with its status ("ZI", "ZT").
 */
class ConversationTest {

  private final Conversation conversation = new Conversation();
  private final List<FrontendMessage> skipped = new ArrayList<>();

  @BeforeEach
  void start() {
    conversation.reset(skipped::add);
  }

  @ParameterizedTest(name = "{0} is answered by {1}")
  @CsvSource({
      "Q, T D C ZI", // a Query: its results, then exactly one ReadyForQuery
      "Q, T D C E ZI", // several statements, an error in the second: still one
      "Q, I ZI", // an empty query
      "F, V ZI", // FunctionCall: FunctionCallResponse, then ReadyForQuery
      "F, E ZI", // ... or an error, then ReadyForQuery
      "S, ZI", // a Sync alone
      "PS, 1 ZI", // Parse: ParseComplete
      "BS, 2 ZI", // Bind: BindComplete
      "DS, t T ZI", // Describe of a statement: ParameterDescription, RowDescription
      "DS, n ZI", // Describe of a portal without rows: NoData
      "ES, D D C ZI", // Execute: rows, CommandComplete
      "ES, D s ZI", // Execute with a row limit: PortalSuspended
      "ES, I ZI", // Execute of an empty query
      "CS, 3 ZI", // Close: CloseComplete
      "HS, ZI", // Flush: nothing of its own
      "dcfS, ZI", // CopyData, CopyDone, CopyFail outside a COPY: ignored by the server
      "QdcQ, G C ZI T D C ZI", // COPY FROM STDIN with its data pipelined
      "QdfQ, G E ZI T D C ZI", // ... ended by CopyFail
      "Q, H d d c C ZI", // COPY TO STDOUT
      "PBEdcS, 1 2 G C ZI", // COPY FROM STDIN through the extended protocol
      "FQ, V ZI T D C ZI", // the pipeline of the isolation bug: a FunctionCall and a Query in one write
      "PBEQS, 1 2 D C T D C ZI ZI", // a Query in the middle of a batch gets its own ReadyForQuery
  })
  void eachMessageIsSettledByItsReplies(String sent, String replies) {
    send(sent);
    String[] each = replies.split(" ");
    for (int i = 0; i < each.length; i++) {
      assertThat(conversation.isReusable()).as("owes more before reply %d of %s", i, replies).isFalse();
      receive(each[i]);
    }
    assertThat(conversation.isReusable()).as("settled by %s", replies).isTrue();
    assertThat(conversation.isBusy()).isFalse();
  }

  @Test
  void theTableCoversEveryFrontendTypeOfProtocol3() {
    for (char type : "QFSPBDECHdcfXp".toCharArray()) {
      assertThat(FrontendMessage.of((byte) type)).as("type %s", type).isNotNull();
    }
    assertThat(FrontendMessage.of((byte) 'F').answer()).isEqualTo(Answer.READY_FOR_QUERY);
    assertThat(FrontendMessage.of((byte) 'H').answer()).isEqualTo(Answer.NOTHING);
    assertThat(FrontendMessage.of((byte) 'p').relayable()).isFalse();
    assertThat(FrontendMessage.of((byte) 'Y')).isNull();
    assertThat(FrontendMessage.of((byte) 0xC3)).isNull();
  }

  @Test
  void unknownTypesAndLoginMessagesAreRefusedAndCountNothing() {
    assertThat(conversation.clientSent((byte) 'Y')).isFalse();
    assertThat(conversation.clientSent((byte) 'p')).isFalse();
    assertThat(conversation.clientSent((byte) 0)).isFalse();
    assertThat(conversation.isReusable()).isTrue();
    assertThat(conversation.clientSent((byte) 'X')).isTrue();
    assertThat(conversation.isReusable()).as("Terminate is answered by nothing").isTrue();
  }

  @Test
  void aFunctionCallsReadyForQueryDoesNotSettleTheQueryBehindIt() {
    send("FQ");
    receive("V");
    assertThat(receive("ZI")).isTrue();
    assertThat(conversation.isReusable()).as("the Query still runs").isFalse();
    assertThat(conversation.owesReady()).isTrue();
    receive("T");
    receive("D");
    receive("C");
    assertThat(receive("ZI")).isTrue();
    assertThat(conversation.isReusable()).isTrue();
  }

  @Test
  void anErrorInABatchSkipsEverythingUpToTheSyncIncludingQueriesAndFunctionCalls() {
    send("PBEPQFCS");
    receive("1");
    receive("2");
    receive("E"); // the Execute failed: the second Parse, the Query, the FunctionCall and the Close never run
    assertThat(skipped).containsExactly(FrontendMessage.PARSE, FrontendMessage.CLOSE);
    assertThat(conversation.isReusable()).isFalse();
    receive("ZI");
    assertThat(conversation.isReusable()).as("one ReadyForQuery: the Sync's").isTrue();
  }

  @Test
  void afterAnErrorWithNoSyncSentTheServerSkipsWhatComesNext() {
    send("PB");
    receive("E");
    send("PQ"); // discarded by the server: no ReadyForQuery for the Query
    assertThat(skipped).as("the Parse that failed, the Bind behind it, and the Parse discarded")
        .containsExactly(FrontendMessage.PARSE, FrontendMessage.BIND, FrontendMessage.PARSE);
    assertThat(conversation.isReusable()).isFalse();
    send("S");
    receive("ZI");
    assertThat(conversation.isReusable()).isTrue();
  }

  @Test
  void anErrorInAQueryOrFunctionCallSkipsNothing() {
    send("QQ");
    receive("E");
    receive("ZI");
    assertThat(conversation.isReusable()).isFalse();
    receive("E");
    receive("ZI");
    assertThat(conversation.isReusable()).isTrue();
  }

  @Test
  void anExtendedBatchWithoutItsSyncHoldsTheConnectionEvenWhenEveryReplyCame() {
    send("PBEH");
    receive("1");
    receive("2");
    receive("C");
    assertThat(conversation.isReusable()).as("the implicit transaction waits for its Sync").isFalse();
    assertThat(conversation.isBusy()).isTrue();
    send("S");
    receive("ZI");
    assertThat(conversation.isReusable()).isTrue();
  }

  @Test
  void anOpenTransactionIsSettledButNotReusable() {
    send("Q");
    receive("C");
    receive("ZT");
    assertThat(conversation.isSettled()).isTrue();
    assertThat(conversation.isReusable()).isFalse();
    assertThat(conversation.status()).isEqualTo(TransactionStatus.IN_TRANSACTION);
    send("Q");
    receive("E");
    receive("ZE");
    assertThat(conversation.status()).isEqualTo(TransactionStatus.FAILED_TRANSACTION);
    assertThat(conversation.isReusable()).isFalse();
  }

  @Test
  void aCopyWaitingForItsDataOwesItsReadyForQuery() {
    send("Q");
    receive("G");
    assertThat(conversation.isBusy()).isTrue();
    send("dd");
    assertThat(conversation.isReusable()).isFalse();
    send("c");
    receive("C");
    receive("ZI");
    assertThat(conversation.isReusable()).isTrue();
  }

  @Test
  void aSyncSentIntoARunningCopyIsIgnoredByIt() {
    // libpq's extended-protocol COPY: Parse/Bind/Execute/Sync, then the data, CopyDone and a Sync again.
    send("PBES");
    receive("1");
    receive("2");
    receive("G");
    send("dcS");
    receive("C");
    receive("ZI");
    assertThat(conversation.isReusable()).as("one ReadyForQuery: the first Sync was the COPY's").isTrue();
  }

  @Test
  void aCopyThatFailsAfterTakingASyncLeavesAConnectionNobodyCanAccountFor() {
    send("PBES");
    receive("1");
    receive("2");
    receive("G");
    send("d");
    receive("E"); // bad data: did the COPY read the Sync before it failed? Only the server knows.
    send("cS");
    receive("ZI");
    assertThat(conversation.isReusable()).isFalse();
  }

  @Test
  void aMessagePipelinedIntoACopyIsNeverAccountedFor() {
    send("QQdc");
    receive("G"); // the COPY reads the second Query as data and fails on it
    receive("E");
    receive("ZI");
    assertThat(conversation.isReusable()).isFalse();
  }

  @Test
  void aReadyForQueryNobodyAskedForMeansTheAccountsAreLost() {
    assertThat(receive("ZI")).isFalse();
    assertThat(conversation.isReusable()).isFalse();
  }

  @Test
  void copyBothIsNeverReused() {
    send("Q");
    receive("W");
    send("c");
    receive("C");
    receive("ZI");
    assertThat(conversation.isReusable()).isFalse();
  }

  @Test
  void asynchronousMessagesSettleNothing() {
    send("Q");
    receive("N");
    receive("S");
    receive("A");
    assertThat(conversation.isReusable()).isFalse();
    receive("ZI");
    assertThat(conversation.isReusable()).isTrue();
  }

  @Test
  void deepPipelinesGrowTheRing() {
    send("Q".repeat(100) + "PBES".repeat(50));
    for (int i = 0; i < 100; i++) {
      receive("C");
      assertThat(receive("ZI")).isTrue();
    }
    for (int i = 0; i < 50; i++) {
      receive("1");
      receive("2");
      receive("C");
      receive("ZI");
    }
    assertThat(conversation.isReusable()).isTrue();
    assertThat(conversation.owesReady()).isFalse();
  }

  @Test
  void aFreshConnectionOwesNothing() {
    send("PBE");
    conversation.reset(Conversation.SkippedStatements.NONE);
    assertThat(conversation.isReusable()).isTrue();
  }

  private void send(String types) {
    for (char type : types.toCharArray()) {
      assertThat(conversation.clientSent((byte) type)).isTrue();
    }
  }

  /** A backend message by its type letter; "ZI", "ZT", "ZE" are ReadyForQuery with that status. */
  private boolean receive(String reply) {
    ByteBuf frame = Unpooled.buffer();
    frame.writeByte(reply.charAt(0));
    frame.writeInt(4 + reply.length() - 1);
    for (int i = 1; i < reply.length(); i++) {
      frame.writeByte(reply.charAt(i));
    }
    try {
      return conversation.serverSent(frame);
    } finally {
      frame.release();
    }
  }
}
