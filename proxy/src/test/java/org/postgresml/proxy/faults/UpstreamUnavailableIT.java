package org.postgresml.proxy.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postgresml.proxy.ProxyConfigFile;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamBackends;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The upstream stops answering: nothing listens (refused), or it accepts TCP and never says a word
 * (black hole). Every client gets a clear class-08 ErrorResponse within its wait, none hangs,
 * {@code /readyz} is 503 while no server can log in and 200 again after, and the pool recovers.
 */
@ExtendWith(NettyLeakCheck.class)
class UpstreamUnavailableIT {

  private static final int CLIENTS = 8;
  /** Every client's bound: well past the proxy's own timeouts below, so only a hang can reach it. */
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @RegisterExtension
  static final FaultyUpstream upstream = FaultyUpstream.create();

  @AfterEach
  void backToNormal() {
    upstream.relay().pass();
    upstream.relay().drop(); // black-holed sockets the proxy has not given up on yet
  }

  private static RunningProxy proxy(String mode, String yaml) {
    return RunningProxy.start(List.of("--database-url", upstream.url(), "--pool-mode", mode, "--pool-size", "4",
        "--config", ProxyConfigFile.write(yaml).toString()));
  }

  private static String selectOne(RunningProxy proxy) throws SQLException {
    try (Connection connection = upstream.connect(proxy); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT 1")) {
      rows.next();
      return rows.getString(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void blackHoledUpstreamFailsEveryClientInTimeReadyzTurns503AndThePoolRecovers(String mode) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(CLIENTS + 1);
    try (RunningProxy proxy = proxy(mode, "upstream: {connectTimeout: 2s}\npool: {minSize: 1, queryWaitTimeout: 5s}\n")) {
      await().atMost(DEADLINE).until(() -> FaultyUpstream.readyz(proxy) == 200);
      assertThat(selectOne(proxy)).isEqualTo("1");
      Connection holder = upstream.connect(proxy);
      try (Statement statement = holder.createStatement()) {
        statement.execute("SELECT 1");
      }

      upstream.relay().blackHole();
      upstream.relay().drop(); // every open server connection dies; new ones hear nothing
      long faulted = System.nanoTime();
      Map<String, Integer> errors = new ConcurrentHashMap<>();
      List<CompletableFuture<Void>> clients = new ArrayList<>();
      for (int i = 0; i < CLIENTS; i++) {
        clients.add(CompletableFuture.runAsync(() -> {
          String sqlState = ClearError.assertClear(catchThrowable(() -> selectOne(proxy)), "08001", "08006");
          errors.merge(sqlState, 1, Integer::sum);
        }, threads));
      }
      clients.add(CompletableFuture.runAsync(() -> {
        Throwable thrown = catchThrowable(() -> {
          try (Statement statement = holder.createStatement()) {
            statement.execute("SELECT 1");
          }
        });
        errors.merge("holder " + ClearError.assertClear(thrown, "08001", "08006"), 1, Integer::sum);
      }, threads));
      CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      long allFailedMillis = Duration.ofNanos(System.nanoTime() - faulted).toMillis();
      await().atMost(DEADLINE).until(() -> FaultyUpstream.readyz(proxy) == 503);
      long notReadyMillis = Duration.ofNanos(System.nanoTime() - faulted).toMillis();

      upstream.relay().pass();
      long healed = System.nanoTime();
      await().atMost(DEADLINE).ignoreExceptions().until(() -> "1".equals(selectOne(proxy)));
      long servedMillis = Duration.ofNanos(System.nanoTime() - healed).toMillis();
      await().atMost(DEADLINE).until(() -> FaultyUpstream.readyz(proxy) == 200);
      long readyMillis = Duration.ofNanos(System.nanoTime() - healed).toMillis();
      for (int i = 0; i < 5; i++) {
        assertThat(selectOne(proxy)).isEqualTo("1");
      }
      assertThat(UpstreamBackends.idleInTransaction(upstream.cluster())).isZero();
      holder.close();
      System.out.printf("black hole (%s): %d clients + 1 holder, errors %s, all failed after %d ms, /readyz 503 after"
          + " %d ms; healed: served after %d ms, /readyz 200 after %d ms%n", mode, CLIENTS, errors, allFailedMillis,
          notReadyMillis, servedMillis, readyMillis);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void readyzIs503WhileTheUpstreamAcceptsTcpButNeverAnswers() throws Exception {
    try (RunningProxy proxy = proxy("session", "upstream: {connectTimeout: 2s}\n")) {
      await().atMost(DEADLINE).until(() -> FaultyUpstream.readyz(proxy) == 200);
      upstream.relay().blackHole();
      await().atMost(DEADLINE).until(() -> FaultyUpstream.readyz(proxy) == 503);
      // Asked again and again, it logs in at most once per freshness window: no storm of probes.
      long acceptedBefore = upstream.relay().accepted();
      for (int i = 0; i < 20; i++) {
        assertThat(FaultyUpstream.readyz(proxy)).isEqualTo(503);
      }
      assertThat(upstream.relay().accepted() - acceptedBefore).isLessThanOrEqualTo(2);
      upstream.relay().pass();
      await().atMost(DEADLINE).until(() -> FaultyUpstream.readyz(proxy) == 200);
    }
  }

  @Test
  void idleConnectionsSilentlyDroppedOnTheWayAreReplacedNotWaitedOn() throws Exception {
    // A NAT or load balancer forgot the idle flows: the warm sockets look open and never answer.
    try (RunningProxy proxy = proxy("session", "upstream: {connectTimeout: 2s}\n"
        + "pool: {size: 2, minSize: 2, serverIdleCheck: 1s, queryWaitTimeout: 60s}\n")) {
      await().atMost(DEADLINE).until(() -> UpstreamBackends.count(upstream.cluster()) == 2);
      List<Integer> forgotten = UpstreamBackends.pids(upstream.cluster());
      upstream.relay().stallOpen();
      // Their next health check goes unanswered and fails after the connect timeout; the pool closes
      // them and opens two new ones (the forgotten backends linger, as behind a real NAT).
      await().atMost(DEADLINE).until(() -> UpstreamBackends.pids(upstream.cluster()).stream()
          .filter(pid -> !forgotten.contains(pid)).count() == 2);
      try (Connection client = upstream.connect(proxy)) {
        try (java.sql.Statement statement = client.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
          rows.next();
          assertThat(rows.getInt(1)).isNotIn(forgotten);
        }
        assertThat(client.isValid(10)).isTrue();
      }
    }
  }

  @Test
  void aRefusingUpstreamIsRetriedWithBackOffNotInAStorm() {
    upstream.relay().refuse();
    long started = System.nanoTime();
    // One warm connection wanted: the pool keeps trying, one attempt at a time. Back-off waits 50 ms
    // after the first failure, doubling up to 2 s, so seven failures take at least 50+100+...+1600 ms
    // = 3.15 s (a pool without back-off fails seven times within milliseconds).
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url(), "--min-pool-size", "1"))) {
      await().atMost(DEADLINE).until(() -> connectFailures(proxy) >= 7);
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(3150));
      upstream.relay().pass();
      await().atMost(DEADLINE).ignoreExceptions().until(() -> "1".equals(selectOne(proxy)));
    }
  }

  private static double connectFailures(RunningProxy proxy) {
    return proxy.server().metrics().scrape().lines()
        .filter(line -> line.startsWith("pgml_proxy_upstream_connect_failures_total"))
        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void refusedUpstreamWithAShortQueryWaitIsAConnectErrorNotAllInUse(String mode) {
    upstream.relay().refuse();
    try (RunningProxy proxy = proxy(mode, "upstream: {connectTimeout: 10s}\npool: {queryWaitTimeout: 500ms}\n")) {
      Throwable thrown = catchThrowable(() -> selectOne(proxy));
      ClearError.assertClear(thrown, "08001");
      assertThat(thrown.getMessage()).contains("could not connect to upstream 127.0.0.1:" + upstream.relay().port())
          .doesNotContain("in use");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"session", "transaction"})
  void blackHoledUpstreamWithAShortQueryWaitSaysItIsNotAnswering(String mode) {
    upstream.relay().blackHole();
    try (RunningProxy proxy = proxy(mode, "upstream: {connectTimeout: 10s}\npool: {queryWaitTimeout: 1s}\n")) {
      Throwable thrown = catchThrowable(() -> selectOne(proxy));
      ClearError.assertClear(thrown, "08001");
      assertThat(thrown.getMessage()).contains("127.0.0.1:" + upstream.relay().port()).contains("not answering")
          .doesNotContain("in use (raise");
    }
  }
}
