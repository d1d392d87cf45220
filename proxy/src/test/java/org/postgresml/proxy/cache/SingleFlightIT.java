package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.postgresml.proxy.cache.CachedProxy.ALICE;
import static org.postgresml.proxy.cache.CachedProxy.BOB;
import static org.postgresml.proxy.cache.CachedProxy.embed;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * Identical calls at the same moment: the stand-in's {@code gate/…} model waits for an advisory
 * lock the test holds, so the first call is in flight while the others arrive, for as long as the
 * test needs (no timing involved).
 */
@ExtendWith(NettyLeakCheck.class)
class SingleFlightIT {

  private static final String PUBLIC = AnswerCacheIT.PUBLIC;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  /** The advisory lock a gate/ call waits for, held on a connection of its own. */
  private static Connection closedGate() throws Exception {
    Connection gate = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password());
    try (Statement statement = gate.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(" + PgmlStandIn.GATE_LOCK + ")");
    }
    return gate;
  }

  private static CompletableFuture<byte[]> call(ExecutorService threads, CachedProxy proxy, String user, String sql) {
    return CompletableFuture.supplyAsync(() -> {
      try (WireClient client = proxy.login(user)) {
        return client.query(sql);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, threads);
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void fiftyIdenticalCallsAtOnceReachTheUpstreamOnce(String mode) throws Exception {
    int clients = 50;
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try (CachedProxy proxy = new CachedProxy(upstream, mode, mode.equals("session") ? clients + 5 : 4, PUBLIC);
        Connection gate = closedGate()) {
      String sql = embed("gate/model", "fifty " + mode);
      long before = proxy.calls();
      List<CompletableFuture<byte[]>> replies = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        replies.add(call(threads, proxy, i % 2 == 0 ? ALICE : BOB, sql));
      }
      await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(proxy.shown("pgml.embed", "coalesced"))
          .isEqualTo(clients - 1));
      assertThat(proxy.calls()).isEqualTo(before + 1);
      assertThat(replies).noneMatch(CompletableFuture::isDone);
      gate.close(); // the lock goes with the session
      byte[] first = replies.get(0).get();
      assertThat(WireClient.types(first)).isEqualTo("TDCZ");
      for (CompletableFuture<byte[]> reply : replies) {
        assertThat(reply.get()).isEqualTo(first);
      }
      assertThat(proxy.calls()).isEqualTo(before + 1);
      assertThat(proxy.shown("pgml.embed", "misses")).isEqualTo(1);
      assertThat(proxy.shown("*", "in_flight")).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aFailureFailsEveryWaiterWithTheUpstreamsErrorAndIsNotKept(String mode) throws Exception {
    int clients = 10;
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try (CachedProxy proxy = new CachedProxy(upstream, mode, clients + 2, PUBLIC); Connection gate = closedGate()) {
      String sql = embed("gate/error/model", "fails " + mode);
      long before = proxy.calls();
      List<CompletableFuture<byte[]>> replies = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        replies.add(call(threads, proxy, ALICE, sql));
      }
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(proxy.shown("pgml.embed", "coalesced"))
          .isEqualTo(clients - 1));
      gate.close();
      byte[] first = replies.get(0).get();
      assertThat(WireClient.types(first)).isEqualTo("EZ");
      assertThat(WireClient.errorField(first, 'C')).isEqualTo("P0002");
      for (CompletableFuture<byte[]> reply : replies) {
        assertThat(reply.get()).isEqualTo(first);
      }
      assertThat(proxy.calls()).isEqualTo(before + 1);
      assertThat(proxy.shown("*", "entries")).isZero();
      // Not kept: the next call asks again (the gate is open now).
      try (WireClient client = proxy.login(ALICE)) {
        assertThat(client.query(sql)).isEqualTo(first);
      }
      assertThat(proxy.calls()).isEqualTo(before + 2);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void whenTheLeaderLeavesEveryWaiterAsksOnItsOwn() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try (CachedProxy proxy = new CachedProxy(upstream, "transaction", 8, PUBLIC); Connection gate = closedGate()) {
      String sql = embed("gate/model", "leader leaves");
      long before = proxy.calls();
      WireClient leader = proxy.login(ALICE);
      leader.send(sql);
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.calls() == before + 1);
      List<CompletableFuture<byte[]>> replies = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        replies.add(call(threads, proxy, BOB, sql));
      }
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(proxy.shown("pgml.embed", "coalesced"))
          .isEqualTo(3));
      leader.close();
      // Each waiter now asks the upstream itself (no answer to share came), and gets a true one.
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.calls() == before + 4);
      gate.close();
      for (CompletableFuture<byte[]> reply : replies) {
        assertThat(WireClient.types(reply.get())).isEqualTo("TDCZ");
      }
      assertThat(proxy.shown("*", "in_flight")).isZero();
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aWaiterGivesUpAfterTheQueryWaitTimeoutAndItsSessionGoesOn() throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, "transaction", 4, "1s", PUBLIC); Connection gate = closedGate();
        WireClient leader = proxy.login(ALICE); WireClient waiter = proxy.login(BOB)) {
      String sql = embed("gate/model", "slow");
      long before = proxy.calls();
      leader.send(sql);
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.calls() == before + 1);
      byte[] reply = waiter.query(sql);
      assertThat(WireClient.errorField(reply, 'C')).isEqualTo("57014");
      assertThat(WireClient.errorField(reply, 'M')).contains("pool.queryWaitTimeout");
      assertThat(reply[reply.length - 1]).isEqualTo((byte) 'I');
      assertThat(WireClient.types(waiter.query("SELECT 1"))).isEqualTo("TDCZ");
      gate.close();
      assertThat(WireClient.types(leader.reply())).isEqualTo("TDCZ");
      assertThat(proxy.calls()).isEqualTo(before + 1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void aCancelEndsOnlyThatClientsWaitAndItsSessionGoesOn(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PUBLIC); Connection gate = closedGate();
        WireClient leader = proxy.login(ALICE); WireClient cancelled = proxy.login(BOB);
        WireClient other = proxy.login(BOB)) {
      String sql = embed("gate/model", "cancelled wait " + mode);
      long before = proxy.calls();
      leader.send(sql);
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.calls() == before + 1);
      cancelled.send(sql);
      other.send(sql);
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(proxy.shown("pgml.embed", "coalesced"))
          .isEqualTo(2));
      cancelled.cancel();
      byte[] reply = cancelled.reply();
      assertThat(WireClient.types(reply)).isEqualTo("EZ");
      assertThat(WireClient.errorField(reply, 'S')).isEqualTo("ERROR");
      assertThat(WireClient.errorField(reply, 'C')).isEqualTo("57014");
      assertThat(WireClient.errorField(reply, 'M')).isEqualTo("canceling statement due to user request");
      assertThat(reply[reply.length - 1]).isEqualTo((byte) 'I');
      // Its session goes on (and still uses the cache); the call is still in flight for the others, asked once.
      assertThat(WireClient.rows(cancelled.query(embed("m", "after the cancel"))).get(0))
          .containsEntry("embed", vector("m", "after the cancel"));
      assertThat(proxy.calls()).isEqualTo(before + 2);
      gate.close();
      byte[] answer = leader.reply();
      assertThat(WireClient.types(answer)).isEqualTo("TDCZ");
      assertThat(WireClient.rows(answer).get(0)).containsEntry("embed", vector("gate/model", "cancelled wait " + mode));
      assertThat(other.reply()).isEqualTo(answer);
      assertThat(cancelled.query(sql)).isEqualTo(answer); // a hit now
      assertThat(proxy.calls()).isEqualTo(before + 2);
      assertThat(proxy.shown("*", "in_flight")).isZero();
    }
  }

  @Test
  void theWaitersOfACancelledLeaderAskOnTheirOwnInsteadOfSharingItsCancel() throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, "transaction", 4, PUBLIC); Connection gate = closedGate();
        WireClient leader = proxy.login(ALICE); WireClient waiter = proxy.login(BOB)) {
      String sql = embed("gate/model", "cancelled leader");
      long before = proxy.calls();
      leader.send(sql);
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.calls() == before + 1);
      waiter.send(sql);
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(proxy.shown("pgml.embed", "coalesced"))
          .isEqualTo(1));
      leader.cancel(); // reaches PostgreSQL: the leader's call ends with its 57014
      byte[] cancelled = leader.reply();
      assertThat(WireClient.errorField(cancelled, 'C')).isEqualTo("57014");
      // The waiter never sent a cancel: it asks the upstream itself (and waits at the gate) and gets the answer.
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.calls() == before + 2);
      gate.close();
      byte[] answer = waiter.reply();
      assertThat(WireClient.types(answer)).isEqualTo("TDCZ");
      assertThat(WireClient.rows(answer).get(0).get("embed")).isEqualTo(vector("gate/model", "cancelled leader"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void whatIsPipelinedBehindAWaitingCallIsAnsweredInOrder(String mode) throws Exception {
    try (CachedProxy proxy = new CachedProxy(upstream, mode, 4, PUBLIC); Connection gate = closedGate();
        WireClient leader = proxy.login(ALICE); WireClient waiter = proxy.login(BOB)) {
      String sql = embed("gate/model", "pipelined behind " + mode);
      long before = proxy.calls();
      leader.send(sql);
      await().atMost(Duration.ofSeconds(60)).until(() -> proxy.calls() == before + 1);
      // One write: the call (it waits), then two statements that need a server connection.
      ByteArrayOutputStream pipeline = new ByteArrayOutputStream();
      pipeline.writeBytes(WireClient.queryFrame(sql));
      pipeline.writeBytes(WireClient.queryFrame("SELECT 'first' AS behind"));
      pipeline.writeBytes(WireClient.queryFrame("SELECT 'second' AS behind"));
      waiter.sendRaw(pipeline.toByteArray());
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(proxy.shown("pgml.embed", "coalesced"))
          .isEqualTo(1));
      gate.close();
      byte[] answer = leader.reply();
      assertThat(waiter.reply()).isEqualTo(answer);
      assertThat(WireClient.rows(waiter.reply()).get(0)).containsEntry("behind", "first");
      assertThat(WireClient.rows(waiter.reply()).get(0)).containsEntry("behind", "second");
    }
  }

  /** real[] as PostgreSQL writes it with the default extra_float_digits. */
  static String vector(String model, String text) {
    float[] vector = PgmlStandIn.expectedEmbedding(model, text);
    StringBuilder written = new StringBuilder("{");
    for (int i = 0; i < vector.length; i++) {
      written.append(i == 0 ? "" : ",").append(Float.toString(vector[i]).replaceAll("\\.0$", ""));
    }
    return written.append('}').toString();
  }
}
