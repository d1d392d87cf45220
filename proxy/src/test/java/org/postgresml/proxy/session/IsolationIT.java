package org.postgresml.proxy.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresml.proxy.RunningProxy;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.testing.AuthMethod;
import org.postgresml.testing.PostgresCluster;
import org.postgresml.testing.netty.NettyLeakCheck;

/**
 * The proof of response accounting: more raw-protocol clients than server connections, in both pool
 * modes, each sending random pipelines of every frontend message type (see {@link PipelineGenerator})
 * through the proxy to a real PostgreSQL, and checking every reply, in order, against its own tags.
 * It fails if any client gets a byte meant for another, a reply out of order, no reply (a hang),
 * or loses its connection; a connection handed on with a reply outstanding shows up as exactly that.
 *
 * <p>Seeded: the seed is printed, {@code -Disolation.seed=N} replays a client's pipelines (not the
 * interleaving of clients). {@code -Disolation.pipelines=N} sets the pipelines per mode (default 1,200;
 * the long run in docs/proxy.md uses 100,000).
 */
@ExtendWith(NettyLeakCheck.class)
class IsolationIT {

  private static final long PIPELINES = Long.getLong("isolation.pipelines", 1_200);
  private static final long SEED = Long.getLong("isolation.seed", System.nanoTime());
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(Long.getLong("isolation.readTimeoutSeconds", 60));

  // md5 upstream logins: the baseline's raw clients log in to PostgreSQL itself as they do to the proxy.
  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create(PostgresCluster.builder().auth(AuthMethod.MD5))
      .prepare(database -> database.cluster().execute(UpstreamDatabase.DATABASE,
          "CREATE TABLE iso_sink (tag text)", "CREATE TABLE iso_numbers (n int)",
          "GRANT ALL ON iso_sink, iso_numbers TO " + UpstreamDatabase.USER));

  private static PipelineGenerator.Functions functions;
  private static Path config;

  @BeforeAll
  static void start() throws Exception {
    try (Connection connection = upstream.cluster().connect(UpstreamDatabase.DATABASE, UpstreamDatabase.USER,
        upstream.password())) {
      functions = new PipelineGenerator.Functions(oid(connection, "int4pl"), oid(connection, "int4div"));
    }
    config = Files.createTempFile("pgml-proxy-isolation-", ".yaml");
    // Clients queue for a pool of two on a busy machine; connection lines for thousands of sessions say nothing.
    Files.writeString(config, "pool:\n  queryWaitTimeout: 120s\nlog:\n  connections: false\n");
  }

  private static int oid(Connection connection, String function) throws Exception {
    try (Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT oid FROM pg_proc WHERE proname = '" + function + "'")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (config != null) {
      Files.deleteIfExists(config);
    }
  }

  /** The baseline: straight to PostgreSQL, the generator's expected replies are exactly what it sends. */
  @org.junit.jupiter.api.Test
  void postgresqlItselfAnswersExactlyWhatTheGeneratorExpects() throws Exception {
    runClients("direct", upstream.cluster().port(), 0, 3, Math.min(PIPELINES, 300));
  }

  @ParameterizedTest(name = "{0} mode, pool of {1}, {2} clients")
  @CsvSource({"session, 2, 6", "transaction, 2, 8"})
  void noClientEverSeesAnotherClientsBytes(String mode, int poolSize, int clients) throws Exception {
    try (RunningProxy proxy = RunningProxy.start(List.of("--database-url", upstream.url("disable"),
        "--pool-mode", mode, "--pool-size", Integer.toString(poolSize), "--client-auth", "md5",
        "--config", config.toString()))) {
      runClients(mode + " mode", proxy.port(), poolSize, clients, PIPELINES);
    }
  }

  private static void runClients(String label, int port, int poolSize, int clients, long total) throws Exception {
    List<IsolationClient.Result> results = new ArrayList<>();
    long started = System.nanoTime();
    IsolationClient.Target target = new IsolationClient.Target(port, UpstreamDatabase.USER,
        upstream.password(), UpstreamDatabase.DATABASE, READ_TIMEOUT);
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try {
      List<Future<IsolationClient.Result>> running = new ArrayList<>();
      for (int client = 1; client <= clients; client++) {
        long quota = total / clients + (client <= total % clients ? 1 : 0);
        long seed = SEED + client * 0x9E3779B97F4A7C15L;
        running.add(threads.submit(new IsolationClient(target, client, seed, quota, functions)));
      }
      for (Future<IsolationClient.Result> result : running) {
        results.add(result.get(60, TimeUnit.MINUTES));
      }
    } finally {
      threads.shutdownNow();
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    long pipelines = results.stream().mapToLong(IsolationClient.Result::pipelines).sum();
    long mismatches = results.stream().mapToLong(IsolationClient.Result::mismatches).sum();
    long crossClient = results.stream().mapToLong(IsolationClient.Result::crossClient).sum();
    long hangs = results.stream().mapToLong(IsolationClient.Result::hangs).sum();
    long broken = results.stream().mapToLong(IsolationClient.Result::broken).sum();
    System.out.printf("isolation %s: seed %d, pool %d, %d clients, %d pipelines, %d messages sent, %d replies"
            + " checked, %d sessions, %d abandoned with replies outstanding; %d mismatches, %d messages with another"
            + " client's tag, %d hangs, %d lost connections; %d s%n", label, SEED, poolSize, clients, pipelines,
        results.stream().mapToLong(IsolationClient.Result::messagesSent).sum(),
        results.stream().mapToLong(IsolationClient.Result::repliesChecked).sum(),
        results.stream().mapToLong(IsolationClient.Result::sessions).sum(),
        results.stream().mapToLong(IsolationClient.Result::abandoned).sum(),
        mismatches, crossClient, hangs, broken, took.toSeconds());
    List<String> failures = results.stream().flatMap(result -> result.failures().stream()).toList();
    assertThat(failures).as("seed %d: what clients saw", SEED).isEmpty();
    assertThat(crossClient).as("messages carrying another client's tag").isZero();
    assertThat(pipelines).isGreaterThanOrEqualTo(total);
  }
}
