package org.postgresml.proxy.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Whether a server connection can log in to the upstream now, for {@code /readyz}. An upstream that
 * accepts TCP but never answers is not ready, so the verdict is the outcome of the latest login:
 * the pools' own logins count, and only when none finished recently does the check log in itself,
 * one probe at a time however often it is asked (so a storm of probes cannot become a storm of logins).
 * The answer comes at once from the latest outcome; a stale one is refreshed in the background.
 */
public final class UpstreamReadiness {

  /** A login outcome younger than this is taken as it is; an older one is refreshed by a probe. */
  static final Duration FRESH = Duration.ofSeconds(5);

  /** The verdict and, when not ready, why (host:port and the login's error, never a password). */
  public record Verdict(boolean ready, String reason) {}

  private final Function<EventLoop, Future<?>> login;
  private final LongSupplier nanoClock;
  private final Object lock = new Object();
  private Verdict latest;
  private long latestNanos;
  private Promise<Verdict> probe;

  /** @param login opens, logs in and closes one server connection (the probe) */
  UpstreamReadiness(Function<EventLoop, Future<?>> login, LongSupplier nanoClock) {
    this.login = login;
    this.nanoClock = nanoClock;
  }

  /** A login finished (a pool's or a probe's). */
  void loggedIn() {
    record(new Verdict(true, "ready"));
  }

  void loginFailed(Throwable cause) {
    record(new Verdict(false, cause.getMessage() == null ? cause.toString() : cause.getMessage()));
  }

  private void record(Verdict verdict) {
    synchronized (lock) {
      latest = verdict;
      latestNanos = nanoClock.getAsLong();
    }
  }

  /**
   * The verdict: the latest outcome when there is one (probing in the background when it is stale),
   * else the first probe's.
   */
  public Future<Verdict> check(EventLoop loop) {
    Verdict known;
    boolean stale;
    synchronized (lock) {
      known = latest;
      stale = known == null || nanoClock.getAsLong() - latestNanos > FRESH.toNanos();
    }
    Future<Verdict> probed = stale ? probe(loop) : null;
    return known != null ? loop.newSucceededFuture(known) : probed;
  }

  private Future<Verdict> probe(EventLoop loop) {
    Promise<Verdict> running;
    synchronized (lock) {
      if (probe != null) {
        return probe;
      }
      running = loop.newPromise();
      probe = running;
    }
    // The login records its own outcome (it goes through the connector); the probe only reports it.
    login.apply(loop).addListener(done -> {
      synchronized (lock) {
        probe = null;
      }
      running.trySuccess(done.isSuccess() ? new Verdict(true, "ready")
          : new Verdict(false, done.cause().getMessage() == null ? done.cause().toString() : done.cause().getMessage()));
    });
    return running;
  }
}
