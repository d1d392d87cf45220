package org.postgresml.proxy.session;

import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.Future;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.CommandLineParser;
import org.postgresml.proxy.admin.AdminAccess;
import org.postgresml.proxy.admin.AdminConsole;
import org.postgresml.proxy.auth.ClientUsers;
import org.postgresml.proxy.cancel.CancelDispatch;
import org.postgresml.proxy.cancel.CancelKeys;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.pool.ServerConnectionProvider;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.tls.ClientTlsContext;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * Client sessions on an {@link EmbeddedChannel} with everything behind them stubbed: the upstream
 * never answers (acquiring fails with 08006), so a test sees exactly what the proxy's client side
 * does with the bytes it is given.
 */
public final class StubSessions {

  public static final String USER = "app";
  public static final String PASSWORD = "app-password";

  private final SessionContext context;

  private StubSessions(SessionContext context) {
    this.context = context;
  }

  /** Sessions with the given proxy flags (besides a stub upstream URL for {@link #USER}). */
  public static StubSessions withFlags(String... flags) {
    return withServers(new UnreachableUpstream(), flags);
  }

  /** The same, with server connections from {@code servers}. */
  public static StubSessions withServers(ServerConnectionProvider servers, String... flags) {
    List<String> args = new ArrayList<>(List.of("--database-url",
        "postgres://" + USER + ":" + PASSWORD + "@127.0.0.1:9/app?sslmode=disable"));
    args.addAll(List.of(flags));
    StringWriter errors = new StringWriter();
    ProxySettings settings = CommandLineParser.parse(args.toArray(String[]::new), Map.of(),
        new PrintWriter(new StringWriter()), new PrintWriter(errors)).settings()
        .orElseThrow(() -> new IllegalArgumentException(errors.toString()));
    AdminConsole console = new AdminConsole(new org.postgresml.proxy.admin.StubAdminContext());
    return new StubSessions(new SessionContext(settings, settings.clientTls().map(ClientTlsContext::create),
        new ClientUsers(settings.clientUsers()), new CancelDispatch(new CancelKeys(), Optional.empty()), servers,
        new SessionRegistry(),
        new ProxyMetrics(), new AdminAccess(settings::adminUsers, console)));
  }

  /** A new client connection: negotiation and session handlers as the proxy installs them. */
  public EmbeddedChannel connect() {
    return new EmbeddedChannel(new NegotiationHandler(context), new ClientSession(context));
  }

  /** The same, allocating from the ledger (so a test can tell that every buffer was released). */
  public EmbeddedChannel connect(org.postgresml.proxy.MemoryLedger ledger) {
    return ledger.channel(new NegotiationHandler(context), new ClientSession(context));
  }

  /** What the sessions share (cancel keys, settings), for tests of one handler. */
  SessionContext context() {
    return context;
  }

  /** Clients connected now (a closed connection leaves the registry). */
  public int connected() {
    return context.registry().size();
  }

  /** An upstream that is never reached: a client that logs in is told it cannot be. */
  private static final class UnreachableUpstream extends StubServerProvider {

    UnreachableUpstream() {
      super("stub", PoolMode.SESSION, null);
    }

    @Override
    public Future<ServerConnection> acquire(EventLoop loop, StartupMessage client) {
      return loop.newFailedFuture(new UpstreamException(SqlState.CONNECTION_FAILURE, "the test upstream is a stub"));
    }

    @Override
    public void release(ServerConnection connection, boolean clean) {
      throw new IllegalStateException("no connection was handed out");
    }

    @Override
    public void cancel(EventLoop loop, ServerConnection connection) {
      throw new IllegalStateException("no connection was handed out");
    }
  }
}
