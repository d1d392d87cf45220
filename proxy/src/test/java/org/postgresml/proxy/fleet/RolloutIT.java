package org.postgresml.proxy.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.ProxyProcess;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.FreePorts;
import org.postgresml.testing.PostgresCluster;

/**
 * A rolling update of a three-proxy fleet under load, without a cluster, in each pool mode (two
 * fleets rolled at the same time): the jar runs as three
 * processes behind a round-robin balancer whose endpoints follow each proxy's {@code /readyz} with
 * a 2 s lag, as a Service and a cloud load balancer do. The proxies are replaced one by one as a
 * Deployment with maxSurge 1 and maxUnavailable 0 does (start a new one, wait until it is in
 * rotation, SIGTERM an old one) while an "RDS" PostgreSQL makes connect-per-call dblink calls
 * through the balancer and application clients run transactions on long-lived connections.
 *
 * <p>What must hold: not one dblink call fails; a long-lived client never loses a transaction it
 * began, it is only disconnected between two of them (57P01) and reconnects; every acknowledged
 * COMMIT is in the table and nothing else; every old proxy exits 0.
 *
 * <p>{@code -Dpgml.rollout.calls=10000} keeps rolling the fleet (all three replaced again, round
 * after round) until each fleet made that many calls; the default is one round.
 * {@code -Dpgml.rollout.shutdownGrace=0s} shows what a proxy that stops accepting at once loses.
 */
class RolloutIT {

  private static final int REPLICAS = 3;
  /** How long after a proxy turns unready the balancer still sends it new connections. */
  private static final Duration ENDPOINT_LAG = Duration.ofSeconds(2);
  /** Load per fleet: sessions calling dblink, and long-lived clients (the long run in docs/operator.md: 4 and 3). */
  private static final int DBLINK_SESSIONS = Integer.getInteger("pgml.rollout.dblinkSessions", 3);
  private static final int LONG_LIVED_CLIENTS = Integer.getInteger("pgml.rollout.longLivedClients", 2);
  private static final long TARGET_CALLS = Long.getLong("pgml.rollout.calls", 0);
  /** The proxy's own default unless asked otherwise. */
  private static final String SHUTDOWN_GRACE = System.getProperty("pgml.rollout.shutdownGrace", "5s");
  private static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(20);

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create().prepare(database -> database.cluster().execute(
      UpstreamDatabase.DATABASE, "CREATE TABLE rollout_ledger (client text, n int)",
      "ALTER TABLE rollout_ledger OWNER TO " + UpstreamDatabase.USER));

  /** Where the dblink calls come from; the upstream's cluster serves as "RDS" too (one cluster less to start). */
  private static PostgresCluster rds;
  private static Path config;

  @BeforeAll
  static void start() {
    assertThat(ProxyProcess.JAR).as("built by the package phase").exists();
    rds = upstream.cluster();
    rds.execute("postgres", "CREATE EXTENSION IF NOT EXISTS dblink");
    config = ProxyConfigFile.write("timeouts: {shutdown: " + SHUTDOWN_TIMEOUT.toSeconds() + "s}\n");
  }

  /** The two fleets roll at the same time: the waits (readiness, grace, drain) overlap, and so does the load. */
  @Test
  void replacingEveryProxyUnderLoadFailsNoCallAndBreaksNoTransaction() throws Exception {
    ExecutorService fleets = Executors.newFixedThreadPool(2);
    try {
      Future<Outcome> transaction = fleets.submit(() -> rollout("transaction"));
      Future<Outcome> session = fleets.submit(() -> rollout("session"));
      for (Outcome outcome : List.of(transaction.get(), session.get())) {
        System.out.println(outcome);
        outcome.check();
      }
    } finally {
      fleets.shutdownNow();
    }
  }

  /** What one fleet's rollout did, and the checks it must pass. */
  private record Outcome(String mode, int rounds, Duration rolled, long calls, Map<String, Long> failedCalls,
                         long commits, long ledgerRows, Map<String, Long> betweenTransactions,
                         Map<String, Long> insideTransactions, Map<String, Long> failedReconnects, int refused,
                         List<Integer> exits, List<String> stderrs) {

    void check() {
      assertThat(failedCalls).as(mode + ": failed dblink calls").isEmpty();
      assertThat(insideTransactions).as(mode + ": transactions broken inside").isEmpty();
      assertThat(failedReconnects).as(mode + ": failed reconnects").isEmpty();
      assertThat(betweenTransactions.keySet()).as(mode + ": disconnects between transactions")
          .allSatisfy(error -> assertThat(error).startsWith("57P01"));
      assertThat(exits).as(mode + ": each drained proxy exits 0").hasSize(REPLICAS * rounds).containsOnly(0);
      assertThat(ledgerRows).as(mode + ": every acknowledged COMMIT, nothing else").isEqualTo(commits);
      assertThat(stderrs).allSatisfy(log -> assertThat(log).doesNotContain("LEAK:").doesNotContain(
          upstream.password()));
    }

    @Override
    public String toString() {
      return String.format("rollout %s: %d round(s) in %d s, %d dblink calls, %d failed %s; long-lived clients:"
              + " %d commits (%d rows), disconnects between transactions %s, errors inside transactions %s, failed"
              + " reconnects %s; balancer refused %d; old proxies exited %s", mode, rounds, rolled.toSeconds(), calls,
          failedCalls.values().stream().mapToLong(Long::longValue).sum(), failedCalls, commits, ledgerRows,
          betweenTransactions, insideTransactions, failedReconnects, refused, exits);
    }
  }

  private static Outcome rollout(String mode) throws Exception {
    List<ProxyProcess> serving = new ArrayList<>();
    List<ProxyProcess> replaced = new ArrayList<>();
    try (RoundRobinBalancer balancer = new RoundRobinBalancer(List.of());
        ReadinessEndpoints endpoints = new ReadinessEndpoints(balancer, ENDPOINT_LAG)) {
      for (int i = 0; i < REPLICAS; i++) {
        serving.add(launch(mode));
      }
      for (ProxyProcess proxy : serving) {
        joinRotation(proxy, endpoints);
      }
      String connInfo = "host=127.0.0.1 port=" + balancer.port() + " dbname=" + UpstreamDatabase.DATABASE
          + " user=" + UpstreamDatabase.USER + " password=" + upstream.password() + " sslmode=disable"
          + " connect_timeout=10";
      Properties login = new Properties();
      login.setProperty("user", UpstreamDatabase.USER);
      login.setProperty("password", upstream.password());
      login.setProperty("connectTimeout", "10");
      login.setProperty("socketTimeout", "60");
      String jdbcUrl = "jdbc:postgresql://127.0.0.1:" + balancer.port() + "/" + UpstreamDatabase.DATABASE
          + "?sslmode=disable";

      int rounds = 0;
      List<Integer> exits = new ArrayList<>();
      ConnectPerCallLoad calls = new ConnectPerCallLoad(rds, connInfo, DBLINK_SESSIONS);
      LongLivedClients clients = new LongLivedClients(jdbcUrl, login, "rollout_ledger", mode, LONG_LIVED_CLIENTS);
      long started;
      try {
        await().atMost(Duration.ofSeconds(60)).until(() -> calls.calls() >= 20 && clients.committed() >= 5);
        started = System.nanoTime();
        do {
          for (int i = 0; i < REPLICAS; i++) {
            ProxyProcess fresh = launch(mode);
            joinRotation(fresh, endpoints);
            ProxyProcess old = serving.remove(0);
            old.terminate();
            replaced.add(old);
            serving.add(fresh);
          }
          rounds++;
        } while (calls.calls() < TARGET_CALLS);
        for (ProxyProcess old : replaced) {
          exits.add(old.awaitExit(Duration.ofSeconds(90)));
        }
      } finally {
        calls.close();
        clients.close();
      }
      List<String> stderrs = new ArrayList<>();
      for (ProxyProcess old : replaced) {
        stderrs.add(old.stderr());
      }
      return new Outcome(mode, rounds, Duration.ofNanos(System.nanoTime() - started), calls.calls(),
          calls.failuresByMessage(), clients.committed(), ledgerRows(mode), clients.betweenTransactions(),
          clients.insideTransactions(), clients.connectFailures(), balancer.refused(), exits, stderrs);
    } finally {
      for (ProxyProcess proxy : serving) {
        proxy.close();
      }
      for (ProxyProcess proxy : replaced) {
        proxy.close();
      }
    }
  }

  private static ProxyProcess launch(String mode) throws Exception {
    List<String> args = new ArrayList<>(List.of("--database-url", upstream.url("disable"), "--pool-mode", mode,
        "--config", config.toString(), "--log-connections", "false"));
    if (!SHUTDOWN_GRACE.equals("none")) { // none: a proxy that has no such flag (the code before it)
      args.addAll(List.of("--shutdown-grace", SHUTDOWN_GRACE));
    }
    return ProxyProcess.launch(FreePorts.next(), Map.of(), args);
  }

  /** Ready, and in the balancer's rotation: what a Deployment's minReadySeconds waits for. */
  private static void joinRotation(ProxyProcess proxy, ReadinessEndpoints endpoints) {
    proxy.awaitReady(Duration.ofSeconds(90));
    InetSocketAddress address = new InetSocketAddress("127.0.0.1", proxy.port());
    endpoints.watch(address, proxy.httpPort());
    await().atMost(Duration.ofSeconds(30)).until(() -> endpoints.inRotation(address));
  }

  private static long ledgerRows(String mode) throws Exception {
    try (Connection direct = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password()); Statement statement = direct.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*) FROM rollout_ledger WHERE client LIKE '"
            + mode + "-%'")) {
      rows.next();
      return rows.getLong(1);
    }
  }
}
