package org.postgresml.proxy.pool;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The meters of one pool, tagged with its user and database: servers active/idle, clients
 * waiting, the wait-time histogram, connections opened and closed by reason. Transactions and
 * queries are counted by the sessions ({@link #transaction}, {@link #query}) and also kept as totals
 * for {@code SHOW STATS} ({@link #totals}).
 */
public final class PoolMetrics implements PoolListener {

  /** Every meter of a pool is named so. */
  private static final String PREFIX = "pgml_proxy_pool_";

  /** Where the meters live: /metrics, and {@link #close} removes them from it again. */
  private final MeterRegistry registry;
  /** The pool these meters describe. */
  private final PoolKey key;
  /** user and database, on every meter, so pools can be told apart. */
  private final Tags tags;
  /** How long clients waited for a server connection. */
  private final Timer wait;
  /** How long a server connection took to open and log in. */
  private final Timer connect;
  /** Connects that failed: a down or refusing upstream shows here first. */
  private final Counter connectFailures;
  /** Clients that gave up after query_wait_timeout: a pool too small shows here. */
  private final Counter waitTimeouts;
  /** Transactions through the pool and their duration. */
  private final Timer transactions;
  /** Queries through the pool and their duration. */
  private final Timer queries;
  /** Bytes clients sent their servers. */
  private final Counter bytesReceived;
  /** Bytes servers sent their clients. */
  private final Counter bytesSent;
  /** The same traffic as totals since start, for SHOW STATS. */
  private final PoolTraffic traffic = new PoolTraffic();
  /** After {@link #close}: meters registered on demand must not come back. */
  private volatile boolean closed;

  public PoolMetrics(MeterRegistry registry, PoolKey key, Supplier<PoolStats> stats) {
    this.registry = registry;
    this.key = key;
    this.tags = Tags.of("user", key.user(), "database", key.database());
    gauge("pgml_proxy_pool_servers_active", "server connections held by clients", stats, PoolStats::active);
    gauge("pgml_proxy_pool_servers_idle", "server connections ready in the pool", stats, PoolStats::idle);
    gauge("pgml_proxy_pool_servers_connecting", "server connections being opened", stats, PoolStats::connecting);
    gauge("pgml_proxy_pool_clients_waiting", "clients waiting for a server connection", stats, PoolStats::waiting);
    wait = Timer.builder("pgml_proxy_pool_wait").tags(tags)
        .description("time a client waited for a server connection")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
    connect = Timer.builder("pgml_proxy_pool_server_connect").tags(tags)
        .description("time to open and log in a pooled server connection")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
    connectFailures = Counter.builder("pgml_proxy_pool_server_connect_failures").tags(tags)
        .description("pooled server connections that could not be opened").register(registry);
    waitTimeouts = Counter.builder("pgml_proxy_pool_wait_timeouts").tags(tags)
        .description("clients that gave up after query_wait_timeout").register(registry);
    transactions = Timer.builder("pgml_proxy_pool_transactions").tags(tags)
        .description("transactions run through the pool and their duration")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    queries = Timer.builder("pgml_proxy_pool_queries").tags(tags)
        .description("queries run through the pool and their duration")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
    bytesReceived = Counter.builder("pgml_proxy_pool_client_received").tags(tags).baseUnit("bytes")
        .description("bytes the pool's clients sent to their servers").register(registry);
    bytesSent = Counter.builder("pgml_proxy_pool_client_sent").tags(tags).baseUnit("bytes")
        .description("bytes the pool's servers sent to their clients").register(registry);
  }

  private void gauge(String name, String description, Supplier<PoolStats> stats,
      java.util.function.ToIntFunction<PoolStats> value) {
    Gauge.builder(name, () -> value.applyAsInt(stats.get())).tags(tags).description(description).register(registry);
  }

  @Override
  public void connectionOpened(Duration connectTime) {
    connect.record(connectTime);
    if (closed) {
      return;
    }
    Counter.builder("pgml_proxy_pool_server_connections_opened").tags(tags)
        .description("pooled server connections opened").register(registry).increment();
  }

  @Override
  public void connectFailed(Throwable cause) {
    connectFailures.increment();
  }

  @Override
  public void connectionClosed(CloseReason reason) {
    if (closed) {
      return;
    }
    Counter.builder("pgml_proxy_pool_server_connections_closed").tags(tags.and("reason", reason.label()))
        .description("pooled server connections closed, by reason").register(registry).increment();
  }

  @Override
  public void acquired(Duration waited) {
    wait.record(waited);
    traffic.waited(waited.toNanos());
  }

  @Override
  public void waitTimedOut() {
    waitTimeouts.increment();
  }

  /** A transaction ended (ReadyForQuery with status I) after this many nanoseconds. */
  public void transaction(long nanos) {
    transactions.record(nanos, TimeUnit.NANOSECONDS);
    traffic.transaction(nanos);
  }

  /** A query (simple Query or an extended batch up to Sync) got its ReadyForQuery after this many nanoseconds. */
  public void query(long nanos) {
    queries.record(nanos, TimeUnit.NANOSECONDS);
    traffic.query(nanos);
  }

  public void received(long bytes) {
    bytesReceived.increment(bytes);
    traffic.received(bytes);
  }

  public void sent(long bytes) {
    bytesSent.increment(bytes);
    traffic.sent(bytes);
  }

  /** Takes every meter of this pool off the registry (the pool was removed); late updates go nowhere. */
  public void close() {
    closed = true;
    for (Meter meter : registry.getMeters()) {
      Meter.Id id = meter.getId();
      if (id.getName().startsWith(PREFIX) && key.user().equals(id.getTag("user"))
          && key.database().equals(id.getTag("database"))) {
        registry.remove(meter);
      }
    }
  }

  /** The totals behind SHOW STATS. */
  public PoolTraffic.Totals totals() {
    return traffic.totals();
  }
}
