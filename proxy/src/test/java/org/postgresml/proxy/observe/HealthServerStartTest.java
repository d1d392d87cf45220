package org.postgresml.proxy.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresml.proxy.net.Transport;

/**
 * The HTTP port opens before the login warm-up: while the PostgreSQL port does not accept yet,
 * /livez answers 200 and /readyz 503 "starting" (without asking the upstream); draining says so too.
 */
class HealthServerStartTest {

  private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, Transport.selected().ioHandlers());
  private final AtomicBoolean accepting = new AtomicBoolean();
  private final AtomicBoolean draining = new AtomicBoolean();
  // No upstream: neither answer below may ask for one (a call would fail the test with a null connector).
  private final HealthServer health = new HealthServer(new ProxyMetrics(), () -> null, accepting::get, draining::get);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    health.stop();
    loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  @Test
  void whileTheWarmUpRunsItIsAliveButNotReady() throws Exception {
    InetSocketAddress address = health.start(loops, "127.0.0.1", 0);
    assertThat(get(address, "/livez").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = get(address, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).startsWith("starting");
  }

  @Test
  void drainingAfterTheStartSaysSo() throws Exception {
    InetSocketAddress address = health.start(loops, "127.0.0.1", 0);
    accepting.set(true);
    draining.set(true);
    HttpResponse<String> ready = get(address, "/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("draining\n");
  }

  private HttpResponse<String> get(InetSocketAddress address, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.getPort() + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
