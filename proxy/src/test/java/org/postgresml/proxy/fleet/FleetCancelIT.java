package org.postgresml.proxy.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresml.proxy.ProxyProcess;
import org.postgresml.proxy.UpstreamDatabase;
import org.postgresml.proxy.UpstreamFixture;
import org.postgresml.proxy.cancel.PeerCancel;
import org.postgresml.proxy.protocol.frontend.CancelRequest;
import org.postgresml.testing.CertificateAuthority;
import org.postgresml.testing.ClientPrograms;
import org.postgresml.testing.FreePorts;

/**
 * Issue 9: three proxy processes, one fleet, behind a round-robin TCP balancer (what a Kubernetes
 * Service or an NLB does to libpq's separate cancel connection). Cancels land on any replica and
 * still stop the query within 2 s; forged keys and forged forwards stop nothing.
 */
class FleetCancelIT {

  private static final int REPLICAS = 3;
  private static final int CANCELS = 100;
  private static final int PARALLEL = 8;
  private static final Duration TAKES_EFFECT_WITHIN = Duration.ofSeconds(2);
  private static final String FORWARDED = "pgml_proxy_fleet_cancels_forwarded_total";
  private static final String ACCEPTED = "pgml_proxy_fleet_peer_cancels_total{outcome=\"accepted\"}";
  private static final String REJECTED = "pgml_proxy_fleet_peer_cancels_total{outcome=\"rejected\"}";

  private static Path dir;
  private static Path caFile;
  private static String secretText;

  @RegisterExtension
  static final UpstreamFixture upstream = UpstreamFixture.create();

  private static final List<ProxyProcess> proxies = new ArrayList<>();
  private static RoundRobinBalancer balancer;
  private static final ExecutorService queries = Executors.newCachedThreadPool();
  /** One observer connection per worker thread, straight to the upstream, to see queries running. */
  private static final List<Connection> observers = new ArrayList<>();
  private static final ThreadLocal<Connection> observer = ThreadLocal.withInitial(FleetCancelIT::newObserver);

  @BeforeAll
  static void start() throws Exception {
    assertThat(ProxyProcess.JAR).as("built by the package phase").exists();
    dir = Files.createTempDirectory("pgml-fleet-it");
    CertificateAuthority authority = CertificateAuthority.create("fleet test CA");
    caFile = authority.writeCertificate(dir.resolve("ca.crt"));
    CertificateAuthority.IssuedCertificate cert = authority.issueServer(dir, "proxy", "localhost", "127.0.0.1");
    byte[] random = new byte[32];
    new java.security.SecureRandom().nextBytes(random);
    secretText = HexFormat.of().formatHex(random);
    Path secretFile = Files.writeString(dir.resolve("fleet-secret"), secretText + "\n");

    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < REPLICAS; i++) {
      ports.add(FreePorts.next());
    }
    // The same peer list on every replica, as one rendered config would give them: each skips itself.
    String peers = String.join(",", ports.stream().map(port -> "127.0.0.1:" + port).toList());
    for (int i = 0; i < REPLICAS; i++) {
      proxies.add(ProxyProcess.launch(ports.get(i), Map.of(), List.of("--database-url", upstream.url("disable"),
          "--replica-id", Integer.toString(i + 1), "--fleet-peers", peers, "--fleet-secret-file",
          secretFile.toString(), "--tls-cert", cert.certificateFile().toString(), "--tls-key",
          cert.privateKeyFile().toString())));
    }
    for (ProxyProcess proxy : proxies) {
      proxy.awaitReady(Duration.ofSeconds(60));
    }
    balancer = new RoundRobinBalancer(ports.stream().map(port -> new InetSocketAddress("127.0.0.1", port)).toList());
  }

  @AfterAll
  static void stop() throws Exception {
    queries.shutdownNow();
    synchronized (observers) {
      for (Connection connection : observers) {
        connection.close();
      }
    }
    if (balancer != null) {
      balancer.close();
    }
    for (ProxyProcess proxy : proxies) {
      // Netty reports a leaked buffer only in the log (paranoid detection is on in the processes).
      assertThat(proxy.stderr()).doesNotContain(secretText).doesNotContain("LEAK:");
      proxy.close();
    }
    try (var files = Files.walk(dir)) {
      for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Test
  void hundredJdbcCancelsThroughTheBalancerTakeEffectWithinTwoSeconds() throws Exception {
    double forwardedBefore = sum(FORWARDED);
    double acceptedBefore = sum(ACCEPTED);
    // Half the sessions use TLS: pgjdbc sends its cancel in plain text either way, as libpq before 17 does.
    List<Duration> took = inParallel(CANCELS, i -> jdbcCancel(i % 2 == 0 ? "disable" : "require"));
    assertThat(took).hasSize(CANCELS).allSatisfy(duration -> assertThat(duration).isLessThan(TAKES_EFFECT_WITHIN));
    double forwarded = sum(FORWARDED) - forwardedBefore;
    // Round robin sends most cancels to a replica without the session: they went through the fleet,
    // and each forward reached both other replicas, which found it authentic.
    assertThat(forwarded).isGreaterThan(0).isLessThanOrEqualTo(CANCELS);
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
        assertThat(sum(ACCEPTED) - acceptedBefore).isEqualTo(forwarded * (REPLICAS - 1)));
    System.out.printf("fleet cancel: %d JDBC cancels, %.0f forwarded, %s%n", CANCELS, forwarded, spread(took));
  }

  @Test
  void hundredPsqlCtrlCsThroughTheBalancerTakeEffectWithinTwoSeconds() throws Exception {
    Path psql = ClientPrograms.require("psql");
    double forwardedBefore = sum(FORWARDED);
    List<Duration> took;
    try (CtrlC ctrlC = new CtrlC()) {
      took = inParallel(CANCELS, i -> psqlInterrupt(psql, ctrlC, i, i % 2 == 0 ? "disable" : "require"));
    }
    assertThat(took).hasSize(CANCELS).allSatisfy(duration -> assertThat(duration).isLessThan(TAKES_EFFECT_WITHIN));
    assertThat(sum(FORWARDED) - forwardedBefore).isGreaterThan(0);
    System.out.printf("fleet cancel: %d psql Ctrl-C, %s%n", CANCELS, spread(took));
  }

  @Test
  void cancelRequestsSentOverTlsAreForwardedToo() throws Exception {
    double forwardedBefore = sum(FORWARDED);
    for (int i = 0; i < REPLICAS; i++) {
      // One connection at a time: the balancer sends the cancel's connection to the next replica,
      // never the one holding the session.
      try (Connection connection = connect("require"); Statement statement = connection.createStatement()) {
        int backend = backendPid(statement);
        CompletableFuture<Void> running = sleep(statement);
        awaitRunning(backend);
        long started = System.nanoTime();
        sendOverTls(balancer.port(), new CancelRequest(keyPid(connection), secretKeyOf(connection)).encode(
            UnpooledByteBufAllocator.DEFAULT));
        assertCanceled(running, started);
      }
    }
    assertThat(sum(FORWARDED) - forwardedBefore).isEqualTo(REPLICAS);
  }

  @Test
  void aForgedKeyOrAForgedForwardCancelsNothing() throws Exception {
    try (Connection connection = connect("disable"); Statement statement = connection.createStatement()) {
      int backend = backendPid(statement);
      CompletableFuture<Void> running = sleep(statement);
      awaitRunning(backend);
      int pid = keyPid(connection);
      int key = secretKeyOf(connection);
      double forwardedBefore = sum(FORWARDED);
      double rejectedBefore = sum(REJECTED);

      // The right pid with a wrong secret, once to every replica (round robin): no replica holds it,
      // so each forwards it, and the peers find nothing.
      for (int i = 0; i < REPLICAS; i++) {
        send(balancer.port(), new CancelRequest(pid, key ^ 1).encode(UnpooledByteBufAllocator.DEFAULT));
      }
      // Forwards of the right key that a fleet member did not sign: a wrong secret, and a stale stamp.
      byte[] wrongSecret = "not-the-fleet-secret-at-all".getBytes(StandardCharsets.UTF_8);
      byte[] secret = secretText.getBytes(StandardCharsets.UTF_8);
      for (ProxyProcess proxy : proxies) {
        send(proxy.port(), PeerCancel.sign(PeerCancel.ANY_REPLICA, pid, key, Instant.now(), wrongSecret)
            .encode(UnpooledByteBufAllocator.DEFAULT));
        send(proxy.port(), PeerCancel.sign(PeerCancel.ANY_REPLICA, pid, key,
            Instant.now().minus(PeerCancel.MAX_AGE).minusSeconds(30), secret).encode(UnpooledByteBufAllocator.DEFAULT));
      }
      Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        assertThat(sum(REJECTED) - rejectedBefore).isEqualTo(2 * REPLICAS);
        assertThat(sum(FORWARDED) - forwardedBefore).isEqualTo(REPLICAS);
      });
      Awaitility.await().during(TAKES_EFFECT_WITHIN).atMost(TAKES_EFFECT_WITHIN.plusSeconds(3))
          .pollInterval(Duration.ofMillis(100)).until(() -> isRunning(backend) && !running.isDone());

      // The control: the same key, signed by the fleet's secret, does cancel.
      long started = System.nanoTime();
      for (ProxyProcess proxy : proxies) {
        send(proxy.port(), PeerCancel.sign(PeerCancel.ANY_REPLICA, pid, key, Instant.now(), secret)
            .encode(UnpooledByteBufAllocator.DEFAULT));
      }
      assertCanceled(running, started);
    }
  }

  private static Duration jdbcCancel(String sslMode) {
    try (Connection connection = connect(sslMode); Statement statement = connection.createStatement()) {
      int backend = backendPid(statement);
      CompletableFuture<Void> running = sleep(statement);
      awaitRunning(backend);
      long started = System.nanoTime();
      statement.cancel();
      return assertCanceled(running, started);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** psql running a long query, then Ctrl-C (SIGINT): psql sends the CancelRequest and exits 1. */
  private static Duration psqlInterrupt(Path psql, CtrlC ctrlC, int index, String sslMode) {
    String query = "SELECT pg_sleep(30) /* fleet psql " + index + " */";
    Path stderr = null;
    Process process = null;
    try {
      stderr = Files.createTempFile(dir, "psql-", ".err");
      ProcessBuilder builder = new ProcessBuilder(psql.toString(), "-X", "-d", "host=127.0.0.1 port="
          + balancer.port() + " dbname=" + UpstreamDatabase.DATABASE + " user=" + UpstreamDatabase.USER
          + " sslmode=" + sslMode + " gssencmode=disable connect_timeout=10", "-c", query)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(stderr.toFile());
      builder.environment().put("PGPASSWORD", upstream.password());
      process = builder.start();
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
          .until(() -> isRunning(query));
      long started = System.nanoTime();
      assertThat(ctrlC.interrupt(process)).isTrue();
      assertThat(process.waitFor(TAKES_EFFECT_WITHIN.toMillis(), TimeUnit.MILLISECONDS))
          .as("psql ended after Ctrl-C").isTrue();
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(process.exitValue()).isEqualTo(1);
      assertThat(Files.readString(stderr)).contains("canceling statement due to user request");
      return took;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (process != null) {
        process.destroyForcibly();
      }
      if (stderr != null) {
        try {
          Files.deleteIfExists(stderr);
        } catch (IOException e) {
          // temp dir goes at the end
        }
      }
    }
  }

  private static Connection connect(String sslMode) throws SQLException {
    Properties properties = new Properties();
    properties.setProperty("user", UpstreamDatabase.USER);
    properties.setProperty("password", upstream.password());
    properties.setProperty("connectTimeout", "10");
    properties.setProperty("sslmode", sslMode);
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + balancer.port() + "/"
        + UpstreamDatabase.DATABASE, properties);
  }

  private static CompletableFuture<Void> sleep(Statement statement) {
    return CompletableFuture.runAsync(() -> {
      try {
        statement.execute("SELECT pg_sleep(30)");
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
    }, queries);
  }

  /** The backend the session holds (its cancel key's pid is the proxy's own: pool.sessionServerAt first-message). */
  private static int backendPid(Statement statement) throws SQLException {
    try (ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  /** The pid of the cancel key the proxy handed the client. */
  private static int keyPid(Connection connection) throws SQLException {
    return connection.unwrap(org.postgresql.PGConnection.class).getBackendPID();
  }

  /** Waits until the session's backend runs the sleep. */
  private static void awaitRunning(int backend) {
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20)).until(() -> isRunning(backend));
  }

  private static Duration assertCanceled(CompletableFuture<Void> running, long startedNanos) {
    assertThatThrownBy(() -> running.get(TAKES_EFFECT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)).rootCause()
        .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
    return Duration.ofNanos(System.nanoTime() - startedNanos);
  }

  private static boolean isRunning(int pid) throws SQLException {
    return count("SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND state = 'active'"
        + " AND query = 'SELECT pg_sleep(30)'", pid) == 1;
  }

  private static boolean isRunning(String query) throws SQLException {
    return count("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = ?", query) == 1;
  }

  private static int count(String sql, Object parameter) throws SQLException {
    try (PreparedStatement statement = observer.get().prepareStatement(sql)) {
      statement.setObject(1, parameter);
      try (ResultSet rows = statement.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static Connection newObserver() {
    try {
      Connection connection = upstream.cluster().connect();
      synchronized (observers) {
        observers.add(connection);
      }
      return connection;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The cancel key pgjdbc got in BackendKeyData. pgjdbc keeps it private (and sends its own cancels
   * in plain text), so the test reads it to send a CancelRequest over TLS as libpq 17 can.
   */
  private static int secretKeyOf(Connection connection) {
    try {
      Object executor = connection.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
      java.lang.reflect.Field field = org.postgresql.core.QueryExecutorBase.class.getDeclaredField("cancelKey");
      field.setAccessible(true);
      return java.nio.ByteBuffer.wrap((byte[]) field.get(executor)).getInt();
    } catch (ReflectiveOperationException | SQLException e) {
      throw new IllegalStateException("pgjdbc's cancel key is not where this test expects it", e);
    }
  }

  /** Sends one cancel-style message in plain text and waits for the proxy to close, as libpq does. */
  private static void send(int port, ByteBuf message) throws IOException {
    byte[] bytes = bytesOf(message);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(bytes);
      awaitClose(socket.getInputStream());
    }
  }

  /** SSLRequest, TLS handshake (verifying the proxy), then the message inside TLS. */
  private static void sendOverTls(int port, ByteBuf message) throws Exception {
    byte[] bytes = bytesOf(message);
    try (Socket plain = new Socket(InetAddress.getLoopbackAddress(), port)) {
      plain.setSoTimeout(5000);
      plain.getOutputStream().write(java.nio.ByteBuffer.allocate(8).putInt(8).putInt(80877103).array());
      assertThat(plain.getInputStream().read()).isEqualTo('S');
      try (SSLSocket tls = (SSLSocket) tlsContext().getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
        tls.startHandshake();
        tls.getOutputStream().write(bytes);
        tls.getOutputStream().flush();
        awaitClose(tls.getInputStream());
      }
    }
  }

  private static SSLContext tlsContext() throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(caFile)) {
      trusted.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static void awaitClose(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // the proxy answers nothing to a cancel; it closes
      }
    } catch (javax.net.ssl.SSLException | java.net.SocketException e) {
      // closed without close_notify: closed all the same
    }
  }

  private static byte[] bytesOf(ByteBuf message) {
    try {
      return ByteBufUtil.getBytes(message);
    } finally {
      message.release();
    }
  }

  private static double sum(String sample) throws Exception {
    double total = 0;
    for (ProxyProcess proxy : proxies) {
      total += proxy.metric(sample);
    }
    return total;
  }

  /** Median, 90th percentile and slowest, for the log of a run. */
  private static String spread(List<Duration> durations) {
    long[] millis = durations.stream().mapToLong(Duration::toMillis).sorted().toArray();
    return "median " + millis[millis.length / 2] + " ms, p90 " + millis[millis.length * 9 / 10] + " ms, slowest "
        + millis[millis.length - 1] + " ms";
  }

  private static List<Duration> inParallel(int count, IntFunction<Duration> one) throws Exception {
    ExecutorService workers = Executors.newFixedThreadPool(PARALLEL);
    try {
      List<Future<Duration>> results = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        int index = i;
        results.add(workers.submit(() -> one.apply(index)));
      }
      List<Duration> durations = new ArrayList<>();
      for (Future<Duration> result : results) {
        durations.add(result.get(2, TimeUnit.MINUTES));
      }
      return durations;
    } finally {
      workers.shutdownNow();
    }
  }
}
