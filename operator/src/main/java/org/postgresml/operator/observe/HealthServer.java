package org.postgresml.operator.observe;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/** {@code /healthz}, {@code /readyz} and {@code /metrics} of the operator process. */
public final class HealthServer implements AutoCloseable {

  private final HttpServer server;

  /**
   * @param alive the process works (informers are healthy)
   * @param ready it is started (a standby replica waiting for the Lease is ready too: it can take over)
   */
  public HealthServer(InetSocketAddress address, BooleanSupplier alive, BooleanSupplier ready,
      PrometheusMeterRegistry registry) throws IOException {
    server = HttpServer.create(address, 0);
    server.createContext("/healthz", exchange -> answer(exchange, alive.getAsBoolean(), "text/plain", "ok\n"));
    server.createContext("/readyz", exchange -> answer(exchange, ready.getAsBoolean(), "text/plain", "ready\n"));
    server.createContext("/metrics", exchange -> answer(exchange, true,
        "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.start();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void answer(HttpExchange exchange, boolean ok, String contentType, String body) throws IOException {
    byte[] bytes = (ok ? body : "unavailable\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(ok ? 200 : 503, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
