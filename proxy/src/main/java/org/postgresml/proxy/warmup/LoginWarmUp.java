package org.postgresml.proxy.warmup;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresml.proxy.async.Failures;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.cancel.CancelDispatch;
import org.postgresml.proxy.config.DatabaseUrl;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.config.SslMode;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.pool.ServerPools;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.session.SessionContext;
import org.postgresml.proxy.session.SessionRegistry;
import org.postgresml.proxy.tls.UpstreamTlsContext;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.UpstreamConnector;
import org.postgresml.proxy.upstream.UpstreamEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logins the proxy makes to itself before it accepts clients ({@code listen.warmUpLogins}), so that
 * the JIT has compiled the path of a client's first minutes (accept, startup packet, SCRAM on both
 * sides, TLS where clients get it, greeting, a pooled server connection acquired, one query relayed
 * both ways, the release, goodbye) before the first client pays for it: in a fresh JVM the first
 * thousand logins cost up to twice a warm one (docs/benchmarks.md), and after a rolling update every
 * client of a new pod would pay that. They run over loopback to a listener of the warm-up's own (the
 * caller binds it with {@link #context()} and closes it after {@link #run}), as a user of its own
 * that lives only as long as the warm-up (a random name and password, the only user that listener
 * knows), with sessions, pools and meters of their own; the pools' upstream is a stand-in server the
 * same listener answers ({@link WarmUpDatabase}). No upstream, client, log line or metric sees them.
 * The client side is the proxy's own upstream login, which the warm-up compiles too.
 */
public final class LoginWarmUp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LoginWarmUp.class);

  /** However many logins were asked for, the warm-up ends by then: on a starved CPU the start is late, not stuck. */
  static final Duration BUDGET = Duration.ofSeconds(10);
  /** One login's limit; a login that takes longer means something is wrong, and the warm-up ends. */
  private static final Duration LOGIN_TIMEOUT = Duration.ofSeconds(5);
  /**
   * The warm-up user's SCRAM iterations: the server side costs the same at any count (its keys are
   * computed once); the client side derives its key at each login, which is the client's cost, not ours.
   */
  private static final int ITERATIONS = 16;
  /** The query each login runs through its pool. */
  private static final String QUERY = "SELECT 1";

  /**
   * How the warm-up went: the listener it logged in to (closed once it is over), the logins made,
   * how long they took, and why it stopped early (empty when it did not).
   */
  public record Outcome(InetSocketAddress listener, int logins, Duration elapsed, Optional<String> stoppedBecause) {}

  private final String user = "pgml_proxy_warm_up_" + HexFormat.of().formatHex(ClientUsers.randomBytes(8));
  private final String password = HexFormat.of().formatHex(ClientUsers.randomBytes(32));
  private final Optional<SslContext> clientTls;
  private final EventLoopGroup loops;
  private final WarmUpUpstream upstream = new WarmUpUpstream();
  private final ServerPools pools;
  private final SessionContext context;

  /**
   * @param settings the proxy's: the warm-up's sessions log in and pool as a client's would (method,
   *     TLS, pool mode and sizes, timers), with no session line in the log
   * @param clientTls the proxy's TLS towards clients; the warm-up logins use it where it is set
   * @param loops the proxy's event loops, where the warm-up's sessions and pools run as clients' do
   */
  public LoginWarmUp(ProxySettings settings, Optional<SslContext> clientTls, CancelDispatch cancels,
      EventLoopGroup loops) {
    this.clientTls = clientTls;
    this.loops = loops;
    ProxyMetrics metrics = new ProxyMetrics();
    SessionRegistry registry = new SessionRegistry();
    this.pools = new ServerPools(upstream, loops, settings.pool().mode(), settings.pool().perPool(),
        settings.pool().limits(), settings.pool().serverResetQuery(), metrics.registry(), registry::poolKeysInUse);
    this.context = new SessionContext(settings.withoutConnectionLog(), clientTls,
        new ClientUsers(List.of(new ProxySettings.ClientUser(user, password)), ITERATIONS), cancels, pools,
        registry, metrics, new WarmUpDatabase(user));
  }

  /** What the warm-up listener's sessions share: the warm-up's user, databases, pools, registry and meters. */
  public SessionContext context() {
    return context;
  }

  /**
   * Makes up to {@code logins} logins to the warm-up listener at {@code address}, each running one
   * query, one after another on the loops in turn, within {@link #BUDGET}; returns how it went (a
   * failure ends it early and is logged: the proxy starts anyway, only colder).
   */
  public Outcome run(InetSocketAddress address, int logins) throws InterruptedException {
    ProxySettings.Upstream self = new ProxySettings.Upstream(
        new DatabaseUrl(address.getHostString(), address.getPort(), WarmUpDatabase.NAME, user, password, Map.of()),
        clientTls.isPresent() ? SslMode.REQUIRE : SslMode.DISABLE, Optional.empty(), LOGIN_TIMEOUT);
    UpstreamConnector connector = new UpstreamConnector(self, UpstreamTlsContext.create(self), UpstreamEvents.NONE);
    upstream.connectTo(connector);
    long started = System.nanoTime();
    long deadline = started + BUDGET.toNanos();
    int done = 0;
    Optional<String> stopped = Optional.empty();
    while (done < logins && stopped.isEmpty()) {
      if (System.nanoTime() - deadline > 0) {
        stopped = Optional.of("its budget of " + BUDGET.toSeconds() + " s was spent");
        break;
      }
      try {
        stopped = loginAndQuery(connector);
        done += stopped.isEmpty() ? 1 : 0;
      } catch (ExecutionException e) {
        stopped = Optional.of("a login failed: " + Failures.cause(e.getCause()).getMessage());
      } catch (TimeoutException e) {
        stopped = Optional.of("a login took longer than " + LOGIN_TIMEOUT.toSeconds() + " s");
      }
    }
    Outcome outcome = new Outcome(address, done, Duration.ofNanos(System.nanoTime() - started), stopped);
    if (stopped.isPresent()) {
      LOG.atWarn().addKeyValue("logins", done).addKeyValue("ms", outcome.elapsed().toMillis())
          .log("login warm-up stopped early: {}", stopped.get());
    } else {
      LOG.atInfo().addKeyValue("logins", done).addKeyValue("ms", outcome.elapsed().toMillis())
          .log("login warm-up done");
    }
    return outcome;
  }

  // One client: logs in to the pooled database, runs the query, leaves. Empty when all went well.
  private Optional<String> loginAndQuery(UpstreamConnector connector)
      throws InterruptedException, ExecutionException, TimeoutException {
    ServerConnection client = connector.connect(loops.next(), WarmUpDatabase.POOLED)
        .get(LOGIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    try {
      Promise<Optional<ErrorResponse>> answered = client.channel().eventLoop().newPromise();
      client.runInternal(QUERY, answered::trySuccess);
      return answered.get(LOGIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .map(error -> "its query failed: " + error.message());
    } finally {
      client.close();
    }
  }

  /** Closes the warm-up's pools and their server connections. */
  @Override
  public void close() {
    pools.close();
  }
}
