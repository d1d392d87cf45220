package org.postgresml.proxy.prepared;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.protocol.frontend.Parse;
import org.postgresml.proxy.protocol.frontend.Query;
import org.postgresml.proxy.protocol.frontend.Sync;
import org.postgresml.proxy.prepared.PrepareOnlyBatch.Verdict;

class PrepareOnlyBatchTest {

  private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
  private static final Parse BEGIN = new Parse("P_0", "BEGIN;", new int[0]);
  private static final Parse UPDATE = new Parse("P_1", "UPDATE t SET v = $1", new int[] {23});

  private final PrepareOnlyBatch batch = new PrepareOnlyBatch();
  private final ClientStatements client = new ClientStatements();
  private final PreparedCatalog catalog = new PreparedCatalog();
  private final List<ByteBuf> out = new ArrayList<>();

  @AfterEach
  void release() {
    batch.release();
    out.forEach(ByteBuf::release);
  }

  @Test
  void aPrepareOfAStatementThePoolParsedIsAnsweredWithoutAServer() {
    catalog.parsed(StatementNames.of(BEGIN));

    assertThat(batch.offer(BEGIN.encode(ALLOC), client, catalog)).isEqualTo(Verdict.MORE);
    assertThat(batch.offer(Sync.INSTANCE.encode(ALLOC), client, catalog)).isEqualTo(Verdict.ANSWERED);
    out.addAll(batch.answer(client, ALLOC));

    assertThat(out).extracting(frame -> (char) FrameDecoder.type(frame))
        .containsExactly((char) MessageType.PARSE_COMPLETE, (char) MessageType.READY_FOR_QUERY);
    assertThat(ReadyForQuery.decode(Codec.body(out.get(1))).status()).isEqualTo(TransactionStatus.IDLE);
    assertThat(client.lookup("P_0")).hasValueSatisfying(parse ->
        assertThat(parse.name()).isEqualTo(StatementNames.of(BEGIN)));
  }

  @Test
  void severalKnownParsesBeforeOneSyncGetOneParseCompleteEach() {
    catalog.parsed(StatementNames.of(BEGIN));
    catalog.parsed(StatementNames.of(UPDATE));

    batch.offer(BEGIN.encode(ALLOC), client, catalog);
    assertThat(batch.offer(UPDATE.encode(ALLOC), client, catalog)).isEqualTo(Verdict.MORE);
    assertThat(batch.offer(Sync.INSTANCE.encode(ALLOC), client, catalog)).isEqualTo(Verdict.ANSWERED);
    out.addAll(batch.answer(client, ALLOC));

    assertThat(out).hasSize(3);
    assertThat(client.size()).isEqualTo(2);
  }

  @Test
  void aStatementThePoolHasNotParsedGoesToAServerWithEverythingHeld() {
    catalog.parsed(StatementNames.of(BEGIN));

    batch.offer(BEGIN.encode(ALLOC), client, catalog);
    assertThat(batch.offer(UPDATE.encode(ALLOC), client, catalog)).isEqualTo(Verdict.NEEDS_SERVER);
    out.addAll(batch.takeFrames());

    assertThat(out).extracting(frame -> Parse.decode(Codec.body(frame)).name()).containsExactly("P_0", "P_1");
    assertThat(client.size()).as("nothing defined: the server path defines them").isZero();
  }

  @Test
  void anyOtherMessageGoesToAServer() {
    assertThat(batch.offer(new Query("SELECT 1").encode(ALLOC), client, catalog)).isEqualTo(Verdict.NEEDS_SERVER);
    out.addAll(batch.takeFrames());
    assertThat(out).hasSize(1);
  }

  @Test
  void aSyncAloneGoesToAServer() {
    assertThat(batch.offer(Sync.INSTANCE.encode(ALLOC), client, catalog)).isEqualTo(Verdict.NEEDS_SERVER);
    out.addAll(batch.takeFrames());
  }

  @Test
  void aNameTheClientDefinedAlreadyIsTheServersToAnswer() {
    catalog.parsed(StatementNames.of(BEGIN));
    client.define("P_0", BEGIN.renamed(StatementNames.of(BEGIN)));

    assertThat(batch.offer(BEGIN.encode(ALLOC), client, catalog)).isEqualTo(Verdict.NEEDS_SERVER);
    out.addAll(batch.takeFrames());
  }

  @Test
  void theSameNameTwiceInOneBatchIsTheServersToAnswer() {
    catalog.parsed(StatementNames.of(BEGIN));

    batch.offer(BEGIN.encode(ALLOC), client, catalog);
    assertThat(batch.offer(BEGIN.encode(ALLOC), client, catalog)).isEqualTo(Verdict.NEEDS_SERVER);
    out.addAll(batch.takeFrames());
  }

  @Test
  void theUnnamedStatementIsNeverAnsweredByTheProxy() {
    Parse unnamed = new Parse("", "BEGIN;", new int[0]);
    catalog.parsed(StatementNames.of(unnamed));

    assertThat(batch.offer(unnamed.encode(ALLOC), client, catalog)).isEqualTo(Verdict.NEEDS_SERVER);
    out.addAll(batch.takeFrames());
  }

  @Test
  void aStatementWhoseParseFailedSinceGoesToAServerAgain() {
    catalog.parsed(StatementNames.of(BEGIN));
    catalog.failed(StatementNames.of(BEGIN));

    assertThat(batch.offer(BEGIN.encode(ALLOC), client, catalog)).isEqualTo(Verdict.NEEDS_SERVER);
    out.addAll(batch.takeFrames());
  }

  @Test
  void theCatalogOfThePlainRelayKnowsNothing() {
    PreparedCatalog.NONE.parsed(StatementNames.of(BEGIN));
    assertThat(PreparedCatalog.NONE.isKnown(StatementNames.of(BEGIN))).isFalse();
  }

  @Test
  void theCatalogForgetsItsOldestPastItsCapacity() {
    PreparedCatalog small = new PreparedCatalog(2);
    small.parsed("a");
    small.parsed("b");
    small.isKnown("a"); // a used: b is now the oldest
    small.parsed("c");
    assertThat(small.isKnown("a")).isTrue();
    assertThat(small.isKnown("b")).isFalse();
    assertThat(small.isKnown("c")).isTrue();
  }
}
