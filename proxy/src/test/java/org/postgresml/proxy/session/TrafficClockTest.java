package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postgresml.proxy.pool.PoolMetrics;
import org.postgresml.proxy.pool.PoolTraffic;
import org.postgresml.proxy.pool.PoolKey;
import org.postgresml.proxy.pool.PoolStats;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.BindComplete;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.ParseComplete;
import org.postgresml.proxy.protocol.backend.DataRow;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.testing.netty.NettyLeakCheck;

@ExtendWith(NettyLeakCheck.class)
class TrafficClockTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PoolMetrics meters = new PoolMetrics(registry, new PoolKey("u", "db"), () -> PoolStats.EMPTY);
  private final TrafficClock clock = new TrafficClock(meters, now::get);
  /** As a session wires them: the conversation tells the clock of each ReadyForQuery that settles something. */
  private final Conversation conversation = new Conversation(clock);

  @Test
  void simpleQueryIsOneQueryAndOneTransaction() {
    client(MessageType.QUERY, 20);
    now.addAndGet(3_000_000);
    server(new DataRow(List.of("1")).encode(ByteBufAllocator.DEFAULT));
    server(ready(TransactionStatus.IDLE));

    PoolTraffic.Totals totals = meters.totals();
    assertThat(totals.queries()).isEqualTo(1);
    assertThat(totals.transactions()).isEqualTo(1);
    assertThat(totals.queryMicros()).isEqualTo(3000);
    assertThat(totals.transactionMicros()).isEqualTo(3000);
    assertThat(totals.bytesReceived()).isEqualTo(20);
    assertThat(totals.bytesSent()).isPositive();
    assertThat(registry.get("pgml_proxy_pool_transactions").timer().count()).isEqualTo(1);
  }

  @Test
  void aTransactionSpansItsQueriesUntilReadyForQueryIdle() {
    client(MessageType.QUERY, 10); // BEGIN; ...
    now.addAndGet(1_000_000);
    server(ready(TransactionStatus.IN_TRANSACTION));
    now.addAndGet(5_000_000); // the client thinks
    client(MessageType.PARSE, 10);
    client(MessageType.BIND, 10);
    client(MessageType.EXECUTE, 10);
    client(MessageType.SYNC, 5);
    now.addAndGet(2_000_000);
    server(ParseComplete.INSTANCE.encode(ByteBufAllocator.DEFAULT));
    server(BindComplete.INSTANCE.encode(ByteBufAllocator.DEFAULT));
    server(new CommandComplete("SELECT 1").encode(ByteBufAllocator.DEFAULT));
    server(ready(TransactionStatus.IN_TRANSACTION));
    client(MessageType.QUERY, 10); // COMMIT
    now.addAndGet(1_000_000);
    server(ready(TransactionStatus.IDLE));

    PoolTraffic.Totals totals = meters.totals();
    assertThat(totals.queries()).isEqualTo(3);
    assertThat(totals.transactions()).isEqualTo(1);
    assertThat(totals.queryMicros()).isEqualTo(4000);
    assertThat(totals.transactionMicros()).isEqualTo(9000);
  }

  @Test
  void pipelinedSyncsEachEndAQuery() {
    client(MessageType.SYNC, 5);
    client(MessageType.SYNC, 5);
    now.addAndGet(1_000_000);
    server(ready(TransactionStatus.IDLE));
    now.addAndGet(1_000_000);
    server(ready(TransactionStatus.IDLE));

    PoolTraffic.Totals totals = meters.totals();
    assertThat(totals.queries()).isEqualTo(2);
    assertThat(totals.transactions()).isEqualTo(2); // two implicit transactions, one after the other
    assertThat(totals.queryMicros()).isEqualTo(2000);
    assertThat(totals.transactionMicros()).isEqualTo(2000);
  }

  @Test
  void aFunctionCallIsAQueryOfItsOwn() {
    client(MessageType.FUNCTION_CALL, 30); // a large-object read, pipelined with a Query
    client(MessageType.QUERY, 20);
    now.addAndGet(1_000_000);
    server(ready(TransactionStatus.IDLE));
    now.addAndGet(2_000_000);
    server(ready(TransactionStatus.IDLE));
    server(ready(TransactionStatus.IDLE)); // no message awaits it: not counted

    PoolTraffic.Totals totals = meters.totals();
    assertThat(totals.queries()).isEqualTo(2);
    assertThat(totals.queryMicros()).isEqualTo(3000);
  }

  /** As a session's Relay does: the conversation says which ReadyForQuery settles a query. */
  private void client(byte type, int bytes) {
    clock.clientSent(bytes);
    conversation.clientSent(type);
  }

  private void server(ByteBuf frame) {
    try {
      clock.serverSent(frame.readableBytes());
      conversation.serverSent(frame);
    } finally {
      frame.release();
    }
  }

  private static ByteBuf ready(TransactionStatus status) {
    return new ReadyForQuery(status).encode(ByteBufAllocator.DEFAULT);
  }
}
