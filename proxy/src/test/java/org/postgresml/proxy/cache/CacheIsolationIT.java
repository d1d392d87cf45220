package org.postgresml.proxy.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.postgresml.proxy.cache.CachedProxy.ALICE;
import static org.postgresml.proxy.cache.CachedProxy.BOB;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.testing.PgmlStandIn;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The answer cache's "0 wrong answers" under concurrency, in both pool modes: pipelining raw
 * clients and pgjdbc clients of two users, more than there are server connections, ask calls drawn
 * from a small shared pool (hits, misses and waits for calls in flight happen while other clients'
 * pipelines and transactions run on the same server connections), mixed with failing calls,
 * transactions, other statements, sessions that switch the cache off, SHOW of the switch, and
 * CACHE CLEAR meanwhile; the pipelining clients' first pipelines all begin with one call held
 * upstream (the stand-in's gate), so waits for a call in flight are certain, with frames queued
 * behind them. Every answer is checked against the value it must be
 * ({@link AnswerLedger}); the stand-in's call counters prove that what the cache answered did not
 * reach the upstream. Seeded: {@code -DcacheIsolation.seed=N} replays each client's script (not the
 * interleaving); {@code -DcacheIsolation.sessions=N} sets the sessions per client (default 12).
 */
@ExtendWith(NettyLeakCheck.class)
class CacheIsolationIT {

  private static final long SEED = Long.getLong("cacheIsolation.seed", System.nanoTime());
  private static final int SESSIONS = Integer.getInteger("cacheIsolation.sessions", 12);
  private static final int PIPELINING_CLIENTS = 6;
  private static final int JDBC_CLIENTS = 3;
  static final String CACHE = """
      cache:
        functions:
          - {name: pgml.embed, public: true}
          - {name: pgml.ticket, public: false}
        maxSize: 16MB
      log:
        connections: false
      """;

  private static UpstreamDatabase upstream;

  @BeforeAll
  static void start() {
    upstream = UpstreamDatabase.start();
    upstream.cluster().execute(UpstreamDatabase.DATABASE, CacheCalls.TICKET_FUNCTION);
  }

  @AfterAll
  static void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }

  @ParameterizedTest(name = "{0} mode")
  @ValueSource(strings = {"session", "transaction"})
  void everyClientGetsTheAnswerItMustGetAndHitsNeverReachTheUpstream(String mode) throws Exception {
    // Fewer server connections than clients: session mode queues logins for them (but for the pipelining
    // clients' first sessions, which wait at the gate together), transaction mode shares them.
    int poolSize = mode.equals("session") ? PIPELINING_CLIENTS + 2 : 3;
    String[] opening = {"gate/model", "opening " + mode};
    try (CachedProxy proxy = new CachedProxy(upstream, mode, poolSize, "120s", CACHE); Connection gate = closedGate()) {
      long embedsBefore = proxy.calls();
      long ticketsBefore = tickets();
      AnswerLedger ledger = new AnswerLedger();
      List<Runnable> clients = new ArrayList<>();
      for (int i = 0; i < PIPELINING_CLIENTS; i++) {
        clients.add(new PipeliningCacheClient(proxy, mode + " pipelining client " + i, i % 2 == 0 ? ALICE : BOB,
            SEED + 31L * i, SESSIONS, ledger, i == 0, opening));
      }
      for (int i = 0; i < JDBC_CLIENTS; i++) {
        clients.add(new JdbcCacheClient(proxy, mode + " pgjdbc client " + i, i % 2 == 0 ? BOB : ALICE,
            SEED + 1_000_003L * (i + 1), SESSIONS, ledger));
      }
      ExecutorService threads = Executors.newFixedThreadPool(clients.size());
      try {
        List<Future<?>> running = new ArrayList<>();
        clients.forEach(client -> running.add(threads.submit(client)));
        // Every pipelining client's first pipeline begins with the same call, held upstream at the gate: one
        // leads it, the others wait with the rest of their pipelines behind it, while the pgjdbc clients go on.
        // Only a pipelining client's end says the wait cannot come (it failed): a pgjdbc client may end first.
        List<Future<?>> pipelining = running.subList(0, PIPELINING_CLIENTS);
        await().atMost(Duration.ofSeconds(120)).until(() -> pipelining.stream().anyMatch(Future::isDone)
            || Long.parseLong(proxy.showCache().get("pgml.embed").get("coalesced")) >= PIPELINING_CLIENTS - 1);
        gate.close();
        for (Future<?> client : running) {
          client.get(10, TimeUnit.MINUTES);
        }
      } finally {
        threads.shutdownNow();
      }
      ledger.checkFreshTickets();
      Map<String, Map<String, String>> shown = proxy.showCache();
      long embedsAsked = proxy.calls() - embedsBefore;
      long ticketsAsked = tickets() - ticketsBefore;
      System.out.printf("cache isolation, %s mode: seed %d, %d answers checked (%d embed, %d ticket); upstream ran"
              + " embed %d, ticket %d times (%d tickets drawn where the cache must not serve); SHOW CACHE %s%n", mode,
          SEED, ledger.answers.get(), ledger.embedReplies.get(), ledger.ticketReplies.get(), embedsAsked, ticketsAsked,
          ledger.freshTickets(), shown);
      assertThat(ledger.failures()).as("seed %d: what clients saw", SEED).isEmpty();
      // Each upstream run of pgml.ticket drew a number some client got: no hit ran upstream as well.
      assertThat(ticketsAsked).isEqualTo(ledger.distinctTickets());
      // What the cache answered (a hit) or a call in flight answered (coalesced) did not reach the upstream.
      for (String function : List.of("pgml.embed", "pgml.ticket")) {
        long replies = function.equals("pgml.embed") ? ledger.embedReplies.get() : ledger.ticketReplies.get();
        long ran = function.equals("pgml.embed") ? embedsAsked : ticketsAsked;
        long hits = Long.parseLong(shown.get(function).get("hits"));
        long coalesced = Long.parseLong(shown.get(function).get("coalesced"));
        assertThat(hits).as(function + " hits").isPositive();
        // A waiter may still ask on its own (its leader's connection took another statement of a pipeline
        // behind the call, so the answer was not vouched for): between the two bounds.
        assertThat(ran).as(function + ": upstream runs <= replies - hits").isLessThanOrEqualTo(replies - hits);
        assertThat(ran).as(function + ": upstream runs >= replies - hits - coalesced")
            .isGreaterThanOrEqualTo(replies - hits - coalesced);
      }
      assertThat(Long.parseLong(shown.get("pgml.embed").get("coalesced"))).as("calls that waited for one in flight")
          .isGreaterThanOrEqualTo(PIPELINING_CLIENTS - 1);
      assertThat(shown.get("*").get("in_flight")).isEqualTo("0");
    }
  }

  /** The advisory lock a gate/ call waits for, held on a connection of its own until it closes. */
  private static Connection closedGate() throws SQLException {
    Connection gate = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER, upstream.password());
    try (Statement statement = gate.createStatement()) {
      statement.execute("SELECT pg_advisory_lock(" + PgmlStandIn.GATE_LOCK + ")");
    }
    return gate;
  }

  /** How many times pgml.ticket ran upstream, read there directly. */
  private static long tickets() throws SQLException {
    try (Connection connection = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password()); Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(CacheCalls.TICKETS_SQL)) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
