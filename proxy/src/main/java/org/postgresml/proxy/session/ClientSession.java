package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Deque;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.postgresml.proxy.async.EventLoops;
import org.postgresml.proxy.cache.SessionCache;
import org.postgresml.proxy.cancel.CancelTarget;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.pool.AcceptedSettings;
import org.postgresml.proxy.pool.ServerConnectionProvider;
import org.postgresml.proxy.prepared.ClientStatements;
import org.postgresml.proxy.prepared.PrepareOnlyBatch;
import org.postgresml.proxy.prepared.PreparedCatalog;
import org.postgresml.proxy.prepared.StatementRewriter;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.FrontendMessage;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.ServerListener;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * One client, from its StartupMessage to its last byte: login against the proxy's users, a server
 * connection from the {@link ServerConnectionProvider}, then the relay of untouched frames both ways
 * with backpressure. Session mode holds one server connection until the client leaves; transaction
 * mode gives it back at every ReadyForQuery that leaves no transaction open and takes one again at
 * the client's next message. The session's state lives on the client channel's event loop; server
 * callbacks from another loop hop onto it.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter implements ServerListener, CancelTarget {

  /** Where the session stands; each state accepts only its own messages. */
  enum State {
    /** Connected, negotiating TLS, no StartupMessage yet. */
    AWAITING_STARTUP,
    /** The client is proving its password. */
    AUTHENTICATING,
    /** Authenticated; waiting for a server connection. */
    CONNECTING,
    /** Frames flow both ways. */
    RELAYING,
    /** Transaction mode, between transactions: logged in, holding no server connection. */
    IDLE,
    /** Transaction mode: the client spoke, its frames wait for a server connection. */
    ACQUIRING,
    /** A cacheable call waits for the same call in flight for another client (cache/SessionCache). */
    CACHE_WAIT,
    /** Logged in to the proxy's own database (the admin console): its handler serves the client; no server connection. */
    SERVED_LOCALLY,
    /** Gone or being closed; nothing more is read or written. */
    CLOSED
  }

  /** PostgreSQL's words for a session its shutdown ends (SQLSTATE 57P01). */
  public static final String SHUTDOWN_MESSAGE = "terminating connection due to administrator command";

  private final SessionContext context;
  private final SessionEvents events;
  /** Frames a client sent before its server connection was ready (clients rarely pipeline that early). */
  private final Deque<ByteBuf> early = new ArrayDeque<>();
  private volatile State state = State.AWAITING_STARTUP;
  private Channel channel;
  private volatile StartupMessage startup;
  /** The login half: startup checks and the password exchange. */
  private final ClientLogin login;
  private volatile ServerConnection server;
  /** The key this client got; it maps back to this session for CancelRequests. */
  private BackendKeyData clientKey;
  private ScheduledFuture<?> loginTimeout;
  /** The pool mode this session was born with (a reload changes it for new sessions only). */
  private PoolMode mode = PoolMode.SESSION;
  /** The settings the client's startup packet asked for, applied to every server connection it gets. */
  private ClientParameters clientParameters;
  /** The startup settings this client's pool has seen accepted; others are verified before the login is answered. */
  private AcceptedSettings acceptedSettings = AcceptedSettings.NONE;
  /** Transaction mode: the client's prepared statements, which outlive server connections (bounded from login on). */
  private ClientStatements statements = new ClientStatements();
  /** Transaction mode: a PQprepare between transactions, answered without a server when the pool knows it. */
  private final PrepareOnlyBatch prepareOnly = new PrepareOnlyBatch();
  /** Transaction mode: the statements this client's pool has parsed before. */
  private PreparedCatalog catalog = PreparedCatalog.NONE;
  /** What the server connection held still owes this client: whether it may go to someone else. */
  private final Conversation conversation = new Conversation();
  /** Feeds SHOW STATS and the pool's transaction and query meters. */
  private TrafficClock clock;
  /** This session's side of the answer cache; the state it returns to after a CACHE_WAIT. */
  private SessionCache cache = SessionCache.NONE;
  private State beforeCacheWait;

  public ClientSession(SessionContext context) {
    this.context = context;
    this.events = new SessionEvents(() -> context.settings().logConnections());
    this.login = new ClientLogin(context, events);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    events.connected(channel.remoteAddress());
    context.registry().add(this);
    context.connectionLimits().arrived(this).ifPresent(ClientSession::dropUnfinishedLogin);
    context.metrics().clientAccepted();
    long timeout = context.settings().clientLoginTimeout().toMillis();
    loginTimeout = ctx.executor().schedule(() -> {
      if (state == State.AWAITING_STARTUP) {
        // No startup packet yet: PostgreSQL exits without a word (it owes no reply to a non-client).
        state = State.CLOSED;
        channel.close();
      } else if (state != State.RELAYING && state != State.CLOSED) {
        fatal(SqlState.PROTOCOL_VIOLATION, "login not completed within " + timeout + " ms");
      }
    }, timeout, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (!(event instanceof StartupMessage message) || state != State.AWAITING_STARTUP) {
      ctx.fireUserEventTriggered(event);
      return;
    }
    startup = message;
    proceed(login.start(message, ctx.channel()));
  }

  private void proceed(ClientLogin.Progress progress) {
    switch (progress) {
      case PASSWORD_ASKED -> state = State.AUTHENTICATING;
      case LOGGED_IN -> {
        clientParameters = login.parameters();
        loggedIn();
      }
      case REFUSED -> refused(login.refusal());
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    onClientFrame((ByteBuf) msg);
  }

  private void onClientFrame(ByteBuf frame) {
    switch (state) {
      case RELAYING -> relayToServer(frame);
      case AUTHENTICATING -> {
        try {
          proceed(login.onFrame(frame, channel));
        } finally {
          frame.release();
        }
      }
      case CONNECTING, ACQUIRING, CACHE_WAIT -> early.add(frame);
      case IDLE -> startTransaction(frame);
      default -> ReferenceCountUtil.release(frame);
    }
  }

  private void loggedIn() {
    // Logged in: the client may send messages as long as the operator allows, no longer the login's few bytes.
    ProxySettings.Limits limits = context.settings().limits();
    FrameDecoder frames = channel.pipeline().get(FrameDecoder.class);
    if (frames != null) {
      frames.limit(limits.maxMessageSize());
    }
    statements = new ClientStatements(limits.maxPreparedStatements(), limits.maxMessageSize());
    boolean local = context.localDatabase().serves(startup.database());
    Optional<String> full = context.connectionLimits().loggedIn(this, local);
    if (full.isPresent()) {
      fatal(SqlState.TOO_MANY_CONNECTIONS, full.get());
      return;
    }
    if (local) {
      // Its own handler answers from now on, ahead of this one; this one keeps the lifecycle.
      state = State.SERVED_LOCALLY;
      cancelLoginTimeout();
      clientKey = context.cancelKeys().register(ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE), this);
      channel.pipeline().addBefore(channel.pipeline().context(this).name(), "local",
          context.localDatabase().serve(clientKey));
      return;
    }
    Optional<String> noPool = context.servers().admit(startup);
    if (noPool.isPresent()) {
      fatal(SqlState.TOO_MANY_CONNECTIONS, noPool.get());
      return;
    }
    mode = context.servers().mode();
    clock = new TrafficClock(context.servers().meters(startup));
    catalog = context.servers().catalog(startup);
    acceptedSettings = context.servers().acceptedSettings(startup);
    // Logged in: a wait for a server connection from here on is bounded by queryWaitTimeout instead.
    cancelLoginTimeout();
    Optional<Map<String, String>> serverDefaults = mode == PoolMode.TRANSACTION
        ? context.servers().serverDefaults(startup) : Optional.empty();
    if (serverDefaults.isPresent() && acceptedSettings.covers(clientParameters.beyondDriverSettings())) {
      // Transaction mode, a pool that has logged in before (and seen any setting beyond the drivers'
      // usual ones accepted): the login needs no server connection (as PgBouncer answers from its
      // cached server parameters), so it never waits for a free one.
      greetTransactionMode(serverDefaults.get());
      state = State.IDLE;
      return;
    }
    acquireServer();
  }

  // Cancelled and dropped: an idle session holds no timer task.
  private void cancelLoginTimeout() {
    if (loginTimeout != null) {
      loginTimeout.cancel(false);
      loginTimeout = null;
    }
  }

  private void acquireServer() {
    state = state == State.IDLE ? State.ACQUIRING : State.CONNECTING;
    Future<ServerConnection> acquired = context.servers().acquire(channel.eventLoop(), startup);
    if (!acquired.isDone()) {
      // A wait: read nothing more until a connection comes (what arrived meanwhile waits in early).
      // A warm connection handed out at once needs no pause, and no two epoll_ctl calls per transaction.
      channel.config().setAutoRead(false);
    }
    acquired.addListener(done -> {
      if (done.isSuccess()) {
        serverReady(acquired.getNow());
      } else if (state != State.CLOSED) {
        Throwable cause = done.cause();
        String sqlState = cause instanceof UpstreamException upstream ? upstream.sqlState() : SqlState.UNABLE_TO_CONNECT;
        events.upstreamFailed(cause);
        fatal(sqlState, cause instanceof UpstreamException ? cause.getMessage()
            : "could not connect to upstream " + context.servers().describe());
      }
    });
  }

  private void serverReady(ServerConnection connection) {
    serverReady(connection, false);
  }

  /** @param settingsVerified the client's startup settings were just applied and accepted on this connection */
  private void serverReady(ServerConnection connection, boolean settingsVerified) {
    if ((state != State.CONNECTING && state != State.ACQUIRING) || !channel.isActive()) {
      context.servers().release(connection, true);
      return;
    }
    if (state == State.CONNECTING && !settingsVerified && !acceptedSettings.covers(clientParameters.settings())) {
      verifySettings(connection);
      return;
    }
    if (state == State.CONNECTING) {
      greet(connection);
      if (mode == PoolMode.TRANSACTION && early.isEmpty()) {
        // The connection only lent its parameters to the login; the first transaction takes one again.
        state = State.IDLE;
        context.servers().release(connection, true);
        channel.config().setAutoRead(true);
        return;
      }
    }
    attachServer(connection);
  }

  // PostgreSQL refuses a bad startup setting before the login ends: so does the proxy, the first time
  // its pool sees the setting (a round trip); later logins with it send it ahead of their first message.
  private void verifySettings(ServerConnection connection) {
    SettingsVerification.run(connection, clientParameters, acceptedSettings, refused -> onLoop(() -> {
      if (refused.isPresent()) {
        context.servers().release(connection, true); // rolled back: the connection is as it was
        fatal(refused.get().asFatal());
      } else {
        serverReady(connection, true);
      }
    }));
  }

  // The login's end: what the server reported (with the client's own settings), the cancel key, ReadyForQuery.
  private void greet(ServerConnection connection) {
    if (mode == PoolMode.TRANSACTION) {
      greetTransactionMode(connection.startupParameters());
      return;
    }
    // Session mode: the real backend pid, as clients use it (pg_terminate_backend, pg_stat_activity).
    clientKey = context.cancelKeys().register(connection.backendKey().processId(), this);
    Map<String, String> reported = clientParameters.reported(connection.startupParameters(), acceptedSettings);
    openCache(reported);
    LoginGreeting.send(channel, reported, clientKey);
    events.sessionStarted(connection.upstreamAddress(), connection.backendKey().processId());
  }

  // Transaction mode: no backend is this client's for long, so the pid in its key is the proxy's own.
  private void greetTransactionMode(Map<String, String> serverDefaults) {
    clientKey = context.cancelKeys().register(ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE), this);
    Map<String, String> reported = clientParameters.reported(serverDefaults, acceptedSettings);
    openCache(reported);
    LoginGreeting.send(channel, reported, clientKey);
    events.sessionStarted(context.servers().describe(), null);
  }

  private void openCache(Map<String, String> reported) {
    cache = SessionCache.open(context.cache(), channel, startup.database(), startup.user(), reported,
        clientParameters.values());
  }

  /**
   * A Query sent while the client is owed nothing outside a transaction: the answer cache may
   * answer it (no server connection needed) or hold it for the same call in flight. True when the
   * frame is taken care of.
   */
  private boolean answeredByCache(ByteBuf frame) {
    State resumeIn = state;
    SessionCache.Step step = cache.offer(frame, context.settings().pool().perPool().queryWaitTimeout(),
        relayAfterAll -> cacheWaitEnded(resumeIn, relayAfterAll));
    if (step == SessionCache.Step.WAITING) {
      beforeCacheWait = resumeIn;
      state = State.CACHE_WAIT;
      channel.config().setAutoRead(false);
    } else if (step == SessionCache.Step.ANSWERED && resumeIn == State.IDLE) {
      atTransactionBoundary();
    }
    return step != SessionCache.Step.RELAY;
  }

  // The call waited for ended: go on where the session was, with the frame (not answered) and what queued meanwhile.
  private void cacheWaitEnded(State resumeIn, ByteBuf relayAfterAll) {
    if (state != State.CACHE_WAIT) {
      if (relayAfterAll != null) {
        relayAfterAll.release();
      }
      return;
    }
    state = beforeCacheWait;
    if (relayAfterAll != null) {
      early.addFirst(relayAfterAll);
    }
    while (!early.isEmpty() && (state == State.RELAYING || state == State.IDLE)) {
      ByteBuf next = early.poll();
      if (next == relayAfterAll) {
        if (state == State.RELAYING) {
          relayToServer(next);
        } else {
          startTransactionUncached(next);
        }
      } else {
        onClientFrame(next);
      }
    }
    if (state == State.RELAYING) {
      server.flush();
    }
    if (state == State.RELAYING || state == State.IDLE) {
      channel.config().setAutoRead(state == State.IDLE || server.isWritable());
    }
    if (state == State.IDLE) {
      atTransactionBoundary();
    }
  }

  private void attachServer(ServerConnection connection) {
    server = connection;
    conversation.reset(mode == PoolMode.TRANSACTION ? connection.statements() : Conversation.SkippedStatements.NONE);
    String settings = clientParameters.applyTo(connection);
    if (!settings.isEmpty()) {
      // Sent ahead of the client's own messages: no round trip; a refused value ends the session.
      connection.runInternal(settings, error -> error.ifPresent(refused -> onLoop(() -> {
        if (server == connection) {
          server = null;
          context.servers().release(connection, false);
        }
        fatal(refused.sqlState(), refused.message());
      })));
    }
    state = State.RELAYING;
    connection.attach(this);
    while (state == State.RELAYING && !early.isEmpty()) {
      relayToServer(early.poll());
    }
    if (state != State.RELAYING) {
      // Released or ended while the early frames went out: what is left waits for the next
      // connection in order (or is dropped with the session), never for this one.
      if (state == State.IDLE && !early.isEmpty()) {
        acquireServer();
      }
      return;
    }
    connection.flush();
    channel.config().setAutoRead(connection.isWritable());
  }

  /** Transaction mode: the transaction ended; the server connection goes back to its pool. */
  private void releaseServer() {
    ServerConnection connection = server;
    server = null;
    state = State.IDLE;
    connection.detach();
    context.servers().release(connection, true);
    channel.config().setAutoRead(true);
    atTransactionBoundary();
  }

  private void relayToServer(ByteBuf frame) {
    if (state != State.RELAYING) {
      frame.release(); // an earlier frame of the same read ended the session
      return;
    }
    byte type = FrameDecoder.type(frame);
    if (type == MessageType.TERMINATE) {
      frame.release();
      state = State.CLOSED;
      channel.close();
      return;
    }
    if (!isRelayable(frame)) {
      return;
    }
    // Session mode holds its server; transaction mode asked the cache before it acquired one (startTransaction).
    if (type == MessageType.QUERY && mode == PoolMode.SESSION && conversation.isReusable() && answeredByCache(frame)) {
      return;
    }
    cache.beforeRelay(frame, server);
    context.metrics().bytesFromClient(frame.readableBytes());
    clock.clientSent(frame.readableBytes());
    if (mode == PoolMode.TRANSACTION) {
      List<ByteBuf> rewritten;
      try {
        rewritten = StatementRewriter.toServer(frame, statements, server.statements(), channel.alloc());
      } catch (ProtocolException e) {
        // Handled here, not in exceptionCaught: frames queued while acquiring are relayed from a
        // future's listener, where a thrown exception would only be logged. The rewriter released the frame.
        fatal(SqlState.PROTOCOL_VIOLATION, e.getMessage());
        return;
      } catch (LimitExceededException e) {
        fatal(SqlState.PROGRAM_LIMIT_EXCEEDED, e.getMessage());
        return;
      }
      for (ByteBuf out : rewritten) {
        conversation.clientSent(FrameDecoder.type(out));
        server.write(out);
      }
    } else {
      conversation.clientSent(type);
      server.write(frame);
    }
  }

  /**
   * A type PostgreSQL does not define (or a login message after the login) is refused as the server
   * would refuse it, never forwarded: nobody could say what it is owed.
   */
  private boolean isRelayable(ByteBuf frame) {
    byte type = FrameDecoder.type(frame);
    FrontendMessage message = FrontendMessage.of(type);
    if (message != null && message.relayable()) {
      return true;
    }
    frame.release();
    fatal(SqlState.PROTOCOL_VIOLATION, "invalid frontend message type " + (type & 0xff));
    return false;
  }

  /** A client frame in transaction mode with no server connection held: the next transaction begins. */
  private void startTransaction(ByteBuf frame) {
    if (FrameDecoder.type(frame) == MessageType.TERMINATE) {
      frame.release();
      prepareOnly.release();
      state = State.CLOSED;
      channel.close();
      return;
    }
    if (!isRelayable(frame)) {
      return;
    }
    if (FrameDecoder.type(frame) == MessageType.QUERY && prepareOnly.isEmpty() && answeredByCache(frame)) {
      return;
    }
    startTransactionUncached(frame);
  }

  private void startTransactionUncached(ByteBuf frame) {
    switch (prepareOnly.offer(frame, statements, catalog)) {
      case MORE -> { } // the rest of the batch decides
      case ANSWERED -> {
        prepareOnly.answer(statements, channel.alloc()).forEach(reply -> channel.write(reply, channel.voidPromise()));
        channel.flush();
        atTransactionBoundary();
      }
      case NEEDS_SERVER -> {
        early.addAll(prepareOnly.takeFrames());
        acquireServer();
      }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.RELAYING) {
      server.flush();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // The client reads slower than the upstream sends: pause the upstream until it catches up.
    if (state == State.RELAYING) {
      server.setAutoRead(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void onServerFrame(ByteBuf frame) {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(() -> onServerFrame(frame));
      return;
    }
    if (!serverAttached()) {
      frame.release();
      return;
    }
    // The statements first (an error at a Bind is the oldest unanswered one's, before the
    // conversation counts it skipped); every frame counts, also replies to the proxy's own messages.
    boolean forClient = mode != PoolMode.TRANSACTION || StatementRewriter.toClient(frame, server.statements());
    boolean answered = conversation.serverSent(frame);
    if (!forClient) {
      frame.release(); // the reply to the proxy's own Parse or Close
      return;
    }
    if (answered) {
      cache.answered(conversation.status(), server);
    } else {
      cache.fromServer(frame);
    }
    context.metrics().bytesToClient(frame.readableBytes());
    clock.serverSent(frame.readableBytes());
    if (answered) {
      clock.answered(conversation.status(), conversation.owesReady());
    }
    channel.write(frame, channel.voidPromise());
    boolean transactionDone = answered && conversation.isReusable();
    if (transactionDone && mode == PoolMode.TRANSACTION) {
      // Flush now: the read-complete that would flush comes from the server connection, which is
      // no longer this session's once released (and on a shared loop is detached at once).
      channel.flush();
      releaseServer();
    } else if (transactionDone) {
      atTransactionBoundary();
    }
  }

  @Override
  public void onServerReadComplete() {
    onLoop(channel::flush);
  }

  @Override
  public void onServerWritabilityChanged(boolean writable) {
    onLoop(() -> {
      if (state == State.RELAYING) {
        channel.config().setAutoRead(writable);
      }
    });
  }

  /** Relaying, or (session mode) holding its server connection while a cacheable call waits. */
  private boolean serverAttached() {
    return state == State.RELAYING || (state == State.CACHE_WAIT && beforeCacheWait == State.RELAYING);
  }

  private void onLoop(Runnable task) {
    EventLoops.run(channel.eventLoop(), task);
  }

  @Override
  public void onServerClosed() {
    if (!channel.eventLoop().inEventLoop()) {
      channel.eventLoop().execute(this::onServerClosed);
      return;
    }
    // The server's own FATAL (pg_terminate_backend, shutdown) has been relayed already; end the client too.
    // A server that vanished without one (killed backend, dropped link) gets the client an 08006 of ours.
    if (serverAttached()) {
      state = State.CLOSED;
      events.upstreamClosed();
      ServerConnection lost = server;
      ByteBuf goodbye = lost == null || lost.sentFatal() ? Unpooled.EMPTY_BUFFER
          : ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, lost.lostMessage()).encode(channel.alloc());
      if (goodbye.isReadable()) {
        context.metrics().error(SqlState.classOf(SqlState.CONNECTION_FAILURE));
      }
      channel.writeAndFlush(goodbye).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    cancelLoginTimeout();
    for (ByteBuf frame = early.poll(); frame != null; frame = early.poll()) {
      frame.release();
    }
    prepareOnly.release();
    cache.close();
    if (clientKey != null) {
      context.cancelKeys().remove(clientKey);
    }
    if (server != null) {
      context.servers().release(server, conversation.isReusable());
      server = null;
    }
    context.registry().remove(this);
    context.connectionLimits().left(this);
    context.metrics().clientClosed();
    events.disconnected();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof ProtocolException) {
      fatal(SqlState.PROTOCOL_VIOLATION, root.getMessage());
    } else if (root instanceof LimitExceededException) {
      fatal(SqlState.PROGRAM_LIMIT_EXCEEDED, root.getMessage());
    } else if (root instanceof IOException) {
      events.socketError(root);
      ctx.close();
    } else {
      events.unexpected(root);
      fatal(SqlState.PROTOCOL_VIOLATION, "invalid message from client");
    }
  }

  private void refused(StartupCheck.Refusal refusal) {
    if (refusal.repeatable()) {
      // A client may repeat this one without pause: one line per interval for all, none per attempt.
      events.quiet();
      context.replicationRefusals().refused(String.valueOf(channel.remoteAddress()), startup.user(),
          refusal.sqlState());
    }
    fatal(refusal.toError(), !refusal.repeatable());
  }

  /** Sends a FATAL error and closes; the session reads nothing more. */
  private void fatal(String sqlState, String message) {
    fatal(ErrorResponse.fatal(sqlState, message));
  }

  private void fatal(ErrorResponse error) {
    fatal(error, true);
  }

  private void fatal(ErrorResponse error, boolean logged) {
    if (state == State.CLOSED && !channel.isActive()) {
      return;
    }
    state = State.CLOSED;
    context.metrics().error(SqlState.classOf(error.sqlState()));
    if (logged) {
      events.fatal(error.sqlState(), error.message());
    }
    channel.writeAndFlush(error.encode(channel.alloc())).addListener(ChannelFutureListener.CLOSE);
  }

  /**
   * Logged in and owing the client nothing: no transaction open, no reply outstanding, no frame held.
   * The moment a shutdown may end the session without breaking anything the client began. On the loop.
   */
  boolean isBetweenTransactions() {
    return switch (state) {
      case IDLE -> early.isEmpty() && prepareOnly.isEmpty();
      case RELAYING -> conversation.isReusable();
      case SERVED_LOCALLY -> true;
      default -> false;
    };
  }

  /** A shutdown began closing sessions: end this one now if it is between transactions; safe from any thread. */
  void endIfBetweenTransactions() {
    channel.eventLoop().execute(this::atTransactionBoundary);
  }

  // A transaction ended (or a shutdown asks): while the proxy drains, that is where the session ends.
  private void atTransactionBoundary() {
    if (context.registry().closesBetweenTransactions() && channel.isActive() && isBetweenTransactions()) {
      context.registry().closedBetweenTransactions();
      fatal(SqlState.ADMIN_SHUTDOWN, SHUTDOWN_MESSAGE);
    }
  }

  /** Too many sockets are logging in and this one has waited longest: it goes, if it still has not logged in. */
  private void dropUnfinishedLogin() {
    channel.eventLoop().execute(() -> {
      if (state == State.AWAITING_STARTUP) {
        state = State.CLOSED; // silent, or mid-TLS: nothing to say to it
        channel.close();
      } else if (state == State.AUTHENTICATING) {
        fatal(SqlState.TOO_MANY_CONNECTIONS, "too many connections are logging in at once; try again");
      }
    });
  }

  /** Ends the session from outside (shutdown); safe from any thread. */
  void terminate(String sqlState, String message) {
    channel.eventLoop().execute(() -> {
      if (channel.isActive()) {
        fatal(sqlState, message);
      }
    });
  }

  /** This session as a line of SHOW CLIENTS (read from another thread: a snapshot, maybe a moment old). */
  public ClientSnapshot describe() {
    return ClientSnapshot.of(this, channel, startup, state, server, events.connectedAt().toString());
  }

  /** The server connection this session holds now, if any. */
  public ServerConnection heldServer() {
    return server;
  }

  public String database() {
    StartupMessage login = startup;
    return login == null ? null : login.database();
  }

  public String user() {
    StartupMessage login = startup;
    return login == null ? null : login.user();
  }

  public boolean isWaiting() {
    return state == State.CONNECTING || state == State.ACQUIRING;
  }

  /** A CancelRequest with this session's key arrived: cancel what its server runs. */
  @Override
  public void cancelRunningQuery() {
    channel.eventLoop().execute(() -> {
      // Only while a query of this client runs: a late cancel must not hit what the backend runs next.
      if (server != null && state == State.RELAYING && conversation.isBusy()) {
        events.cancelForwarded();
        context.servers().cancel(channel.eventLoop(), server);
      }
    });
  }
}
