package org.postgresml.proxy.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Readiness from login outcomes: one probe at a time, none while an outcome is fresh. */
class UpstreamReadinessTest {

  private final EventLoop loop = new DefaultEventLoop();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Promise<Object>> probes = new ArrayList<>();
  private final UpstreamReadiness readiness = new UpstreamReadiness(probeLoop -> {
    Promise<Object> login = probeLoop.newPromise();
    probes.add(login);
    return login;
  }, now::get);

  @AfterEach
  void stop() {
    loop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }

  private static UpstreamReadiness.Verdict verdict(Future<UpstreamReadiness.Verdict> check) throws Exception {
    return check.get(5, TimeUnit.SECONDS);
  }

  @Test
  void theFirstCheckWaitsForOneProbeThatEveryCheckMeanwhileShares() throws Exception {
    Future<UpstreamReadiness.Verdict> first = readiness.check(loop);
    Future<UpstreamReadiness.Verdict> second = readiness.check(loop);
    assertThat(probes).hasSize(1);
    assertThat(first.isDone()).isFalse();
    readiness.loggedIn(); // the connector records the probe's own login
    probes.get(0).setSuccess(null);
    assertThat(verdict(first).ready()).isTrue();
    assertThat(verdict(second).ready()).isTrue();
  }

  @Test
  void aFreshOutcomeIsTheAnswerWithoutAProbe() throws Exception {
    readiness.loginFailed(new ConnectException("upstream 127.0.0.1:1 did not complete login within 2000 ms"));
    for (int i = 0; i < 100; i++) {
      UpstreamReadiness.Verdict verdict = verdict(readiness.check(loop));
      assertThat(verdict.ready()).isFalse();
      assertThat(verdict.reason()).contains("did not complete login");
    }
    assertThat(probes).isEmpty();
  }

  @Test
  void aStaleOutcomeIsAnsweredAtOnceAndRefreshedByOneBackgroundProbe() throws Exception {
    readiness.loggedIn();
    now.addAndGet(UpstreamReadiness.FRESH.toNanos() + 1);
    for (int i = 0; i < 10; i++) {
      assertThat(verdict(readiness.check(loop)).ready()).as("the last known outcome, at once").isTrue();
    }
    assertThat(probes).hasSize(1);
    readiness.loginFailed(new ConnectException("connection refused"));
    probes.get(0).setFailure(new ConnectException("connection refused"));
    assertThat(verdict(readiness.check(loop)).ready()).isFalse();
    assertThat(probes).hasSize(1);
  }
}
