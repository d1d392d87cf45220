package org.postgresml.proxy.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresml.proxy.upstream.UpstreamEvents;

/** The proxy's meters, exposed in Prometheus format on /metrics. One place names them all. */
public final class ProxyMetrics implements UpstreamEvents {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger activeClients = new AtomicInteger();
  private final Counter accepted;
  private final Counter bytesIn;
  private final Counter bytesOut;
  private final Counter authFailures;
  private final Counter upstreamConnectFailures;
  private final Timer upstreamConnect;

  public ProxyMetrics() {
    accepted = Counter.builder("pgml_proxy_client_connections_accepted")
        .description("client connections accepted").register(registry);
    Gauge.builder("pgml_proxy_client_connections_active", activeClients, AtomicInteger::get)
        .description("client connections open now").register(registry);
    bytesIn = Counter.builder("pgml_proxy_client_bytes_received").baseUnit("bytes")
        .description("bytes received from clients").register(registry);
    bytesOut = Counter.builder("pgml_proxy_client_bytes_sent").baseUnit("bytes")
        .description("bytes sent to clients").register(registry);
    authFailures = Counter.builder("pgml_proxy_client_auth_failures")
        .description("client logins refused").register(registry);
    upstreamConnectFailures = Counter.builder("pgml_proxy_upstream_connect_failures")
        .description("upstream connection attempts that failed").register(registry);
    upstreamConnect = Timer.builder("pgml_proxy_upstream_connect")
        .description("time to open and log in an upstream connection")
        .publishPercentileHistogram().maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
  }

  public void clientAccepted() {
    accepted.increment();
    activeClients.incrementAndGet();
  }

  public void clientClosed() {
    activeClients.decrementAndGet();
  }

  public int activeClients() {
    return activeClients.get();
  }

  public void bytesFromClient(long bytes) {
    bytesIn.increment(bytes);
  }

  public void bytesToClient(long bytes) {
    bytesOut.increment(bytes);
  }

  public void authFailed() {
    authFailures.increment();
  }

  @Override
  public void upstreamConnected(long nanos) {
    upstreamConnect.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void upstreamConnectFailed() {
    upstreamConnectFailures.increment();
  }

  /** An ErrorResponse seen on its way to a client, counted by SQLSTATE class. */
  @Override
  public void error(String sqlStateClass) {
    Counter.builder("pgml_proxy_errors").tag("sqlstate_class", sqlStateClass)
        .description("ErrorResponses sent to clients, by SQLSTATE class").register(registry).increment();
  }

  /** For meters that other parts register (the pools'). */
  public io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }
}
