package org.postgresml.proxy.fleet;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What the endpoints controller, kube-proxy and a cloud load balancer do together, in front of a
 * {@link RoundRobinBalancer}: each watched proxy's {@code /readyz} is polled; a proxy is put into
 * rotation once it answers 200, and taken out {@code lag} after it first answers anything else (or
 * nothing), the seconds a real endpoint update takes to reach every node. Removal is final, as for a
 * terminating pod.
 */
final class ReadinessEndpoints implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(200);

  private final RoundRobinBalancer balancer;
  private final Duration lag;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private final Map<InetSocketAddress, Integer> watched = new ConcurrentHashMap<>();
  private final Map<InetSocketAddress, Boolean> leaving = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, runnable -> {
    Thread thread = new Thread(runnable, "endpoints");
    thread.setDaemon(true);
    return thread;
  });

  ReadinessEndpoints(RoundRobinBalancer balancer, Duration lag) {
    this.balancer = balancer;
    this.lag = lag;
    timer.scheduleWithFixedDelay(this::poll, 0, POLL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** A new pod: its proxy port, and the HTTP port its readiness is read from. */
  void watch(InetSocketAddress backend, int httpPort) {
    watched.put(backend, httpPort);
  }

  boolean inRotation(InetSocketAddress backend) {
    return balancer.backends().contains(backend);
  }

  private void poll() {
    watched.forEach((backend, httpPort) -> {
      boolean ready = ready(httpPort);
      boolean member = balancer.backends().contains(backend);
      if (ready && !member && !leaving.containsKey(backend)) {
        balancer.add(backend);
      } else if (!ready && member && leaving.putIfAbsent(backend, true) == null) {
        timer.schedule(() -> {
          balancer.remove(backend);
          watched.remove(backend);
        }, lag.toMillis(), TimeUnit.MILLISECONDS);
      }
    });
  }

  private boolean ready(int httpPort) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
          .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
