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
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.postgresml.proxy.async.EventLoops;
import org.postgresml.proxy.cache.SessionCache;
import org.postgresml.proxy.cancel.CancelTarget;
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
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * One client, from its StartupMessage to its last byte: the Netty lifecycle and the session's state
 * machine. The login's checks and password are {@link ClientLogin}'s; the server connection held is
 * a {@link ServerLease}; what the pool mode changes (how long a connection is held, statement
 * renaming) is a {@link Pooling}; what the connection still owes is the {@link Conversation}'s to
 * say. Frames pass untouched both ways with backpressure. The session's state lives on the client
 * channel's event loop; server callbacks from another loop hop onto it.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter implements CancelTarget {

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
  /** The login half: startup checks and the password exchange. */
  private final ClientLogin login;
  /** Frames a client sent before its server connection was ready (clients rarely pipeline that early). */
  private final Deque<ByteBuf> early = new ArrayDeque<>();
  private volatile State state = State.AWAITING_STARTUP;
  private Channel channel;
  private volatile StartupMessage startup;
  private ScheduledFuture<?> loginTimeout;
  /** The key this client got; it maps back to this session for CancelRequests. */
  private BackendKeyData clientKey;
  /** What follows the password: the connection slot, the pool, the greeting. */
  private final LoginEnd loginEnd;
  /** The traffic with server connections, from the login on (its pool mode is fixed then; a reload changes it for new sessions only). */
  private volatile Relay relay;
  /** This session's side of the answer cache; the state it returns to after a CACHE_WAIT. */
  private SessionCache cache = SessionCache.NONE;
  private State beforeCacheWait;

  public ClientSession(SessionContext context) {
    this.context = context;
    this.events = new SessionEvents(() -> context.settings().logConnections());
    this.login = new ClientLogin(context, events);
    this.loginEnd = new LoginEnd(context, events);
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
      case LOGGED_IN -> loggedIn();
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
    LoginEnd.Joined joined = loginEnd.join(this, channel, startup, login.parameters());
    if (joined == LoginEnd.Joined.REFUSED) {
      fatal(SqlState.TOO_MANY_CONNECTIONS, loginEnd.refusal());
      return;
    }
    // Logged in: a wait for a server connection from here on is bounded by queryWaitTimeout instead.
    cancelLoginTimeout();
    relay = loginEnd.relay();
    switch (joined) {
      case SERVED_LOCALLY -> {
        // Its own handler answers from now on, ahead of this one; this one keeps the lifecycle.
        state = State.SERVED_LOCALLY;
        clientKey = loginEnd.serveLocally(channel, this);
      }
      case GREETED -> {
        clientKey = loginEnd.greet(channel, this, null);
        state = State.IDLE;
      }
      default -> acquireServer();
    }
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
    Future<ServerConnection> acquired = relay.acquire(startup);
    acquired.addListener(done -> {
      if (done.isSuccess()) {
        serverReady(acquired.getNow(), false);
      } else if (state != State.CLOSED) {
        Throwable cause = done.cause();
        events.upstreamFailed(cause);
        fatal(cause instanceof UpstreamException upstream ? upstream.sqlState() : SqlState.UNABLE_TO_CONNECT,
            cause instanceof UpstreamException ? cause.getMessage() : "could not connect to upstream " + relay.upstream());
      }
    });
  }

  /** @param settingsVerified the client's startup settings were just applied and accepted on this connection */
  private void serverReady(ServerConnection connection, boolean settingsVerified) {
    if ((state != State.CONNECTING && state != State.ACQUIRING) || !channel.isActive()) {
      context.servers().release(connection, true);
      return;
    }
    if (state == State.CONNECTING) {
      if (!settingsVerified && loginEnd.needsVerifying()) {
        verifySettings(connection);
        return;
      }
      clientKey = loginEnd.greet(channel, this, connection);
      if (early.isEmpty() && relay.releaseAfterLogin(connection)) {
        // The connection only lent its parameters to the login; the first transaction takes one again.
        state = State.IDLE;
        channel.config().setAutoRead(true);
        return;
      }
    }
    attachServer(connection);
  }

  // PostgreSQL refuses a bad startup setting before the login ends: so does the proxy, the first time
  // its pool sees the setting (a round trip); later logins with it send it ahead of their first message.
  private void verifySettings(ServerConnection connection) {
    loginEnd.verify(connection, refused -> onLoop(() -> {
      if (refused.isPresent()) {
        context.servers().release(connection, true); // rolled back: the connection is as it was
        fatal(refused.get().asFatal());
      } else {
        serverReady(connection, true);
      }
    }));
  }

  /** The login's answer is about to go out, with these parameters: the answer cache opens for them. */
  void openCache(Map<String, String> reported) {
    cache = SessionCache.open(context.cache(), channel, startup.database(), startup.user(), reported,
        login.parameters().values());
    relay.answersTo(cache);
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
    // Taken out of early first: a frame that needs a server again is queued there (betweenTransactions),
    // and the ones behind it must stay behind it.
    Deque<ByteBuf> pending = new ArrayDeque<>(early);
    early.clear();
    if (relayAfterAll != null) {
      pending.addFirst(relayAfterAll);
    }
    while (!pending.isEmpty() && (state == State.RELAYING || state == State.IDLE)) {
      ByteBuf next = pending.poll();
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
    early.addAll(pending);
    if (state == State.RELAYING) {
      relay.flushToServer();
    }
    if (state == State.RELAYING || state == State.IDLE) {
      channel.config().setAutoRead(state == State.IDLE || relay.isServerWritable());
    }
    if (state == State.IDLE) {
      atTransactionBoundary();
    }
  }

  private void attachServer(ServerConnection connection) {
    state = State.RELAYING;
    relay.attach(connection);
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

  /** The server refused a startup setting sent ahead of the client's messages: the session ends. */
  void settingsRefused(ErrorResponse refused) {
    fatal(refused.sqlState(), refused.message());
  }

  private void relayToServer(ByteBuf frame) {
    if (state != State.RELAYING) {
      frame.release(); // an earlier frame of the same read ended the session
    } else if (isRelayable(frame)) {
      // Session mode holds its server; transaction mode asked the cache before it acquired one (startTransaction).
      if (FrameDecoder.type(frame) == MessageType.QUERY && relay.pooling().asksCacheWhileHolding()
          && relay.isReusable() && answeredByCache(frame)) {
        return;
      }
      try {
        relay.toServer(frame);
      } catch (ProtocolException e) {
        // Handled here, not in exceptionCaught: frames queued while acquiring are relayed from a
        // future's listener, where a thrown exception would only be logged. The frame was released.
        fatal(SqlState.PROTOCOL_VIOLATION, e.getMessage());
      } catch (LimitExceededException e) {
        fatal(SqlState.PROGRAM_LIMIT_EXCEEDED, e.getMessage());
      }
    }
  }

  /** A client frame while no server connection is held (between transactions): the next transaction begins. */
  private void startTransaction(ByteBuf frame) {
    if (isRelayable(frame) && !(FrameDecoder.type(frame) == MessageType.QUERY && relay.holdsNothing()
        && answeredByCache(frame))) {
      startTransactionUncached(frame);
    }
  }

  private void startTransactionUncached(ByteBuf frame) {
    switch (relay.betweenTransactions(frame, early)) {
      case MORE -> { } // the rest of the batch decides
      case ANSWERED -> atTransactionBoundary();
      case NEEDS_SERVER -> acquireServer();
    }
  }

  /**
   * Terminate ends the session here. A type PostgreSQL does not define (or a login message after the
   * login) is refused as the server would refuse it, never forwarded: nobody could say what it is owed.
   */
  private boolean isRelayable(ByteBuf frame) {
    byte type = FrameDecoder.type(frame);
    FrontendMessage message = FrontendMessage.of(type);
    if (type == MessageType.TERMINATE) {
      frame.release();
      state = State.CLOSED;
      channel.close();
      return false;
    }
    if (message != null && message.relayable()) {
      return true;
    }
    frame.release();
    fatal(SqlState.PROTOCOL_VIOLATION, "invalid frontend message type " + (type & 0xff));
    return false;
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.RELAYING) {
      relay.flushToServer();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // The client reads slower than the upstream sends: pause the upstream until it catches up.
    if (state == State.RELAYING) {
      relay.clientWritable(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  boolean isRelaying() {
    return state == State.RELAYING;
  }

  /** Relaying, or (session mode) holding its server connection while a cacheable call waits. */
  boolean serverAttached() {
    return state == State.RELAYING || (state == State.CACHE_WAIT && beforeCacheWait == State.RELAYING);
  }

  /** The held connection owes this client nothing and holds no transaction. */
  void transactionEnded() {
    if (relay.releaseBetweenTransactions()) {
      state = State.IDLE;
    }
    atTransactionBoundary();
  }

  /**
   * The server connection ended. Its own FATAL (pg_terminate_backend, shutdown) has been relayed
   * already; end the client too. One that vanished without (killed backend, dropped link) gets the
   * client an 08006 of ours.
   */
  void serverClosed(ServerConnection lost) {
    if (serverAttached()) {
      state = State.CLOSED;
      events.upstreamClosed();
      ByteBuf goodbye = lost == null || lost.sentFatal() ? Unpooled.EMPTY_BUFFER
          : ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, lost.lostMessage()).encode(channel.alloc());
      if (goodbye.isReadable()) {
        context.metrics().error(SqlState.classOf(SqlState.CONNECTION_FAILURE));
      }
      channel.writeAndFlush(goodbye).addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void onLoop(Runnable task) {
    EventLoops.run(channel.eventLoop(), task);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    cancelLoginTimeout();
    for (ByteBuf frame = early.poll(); frame != null; frame = early.poll()) {
      frame.release();
    }
    cache.close();
    if (clientKey != null) {
      context.cancelKeys().remove(clientKey);
    }
    if (relay != null) {
      relay.end();
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
      case IDLE -> early.isEmpty() && relay.holdsNothing();
      case RELAYING -> relay.isReusable();
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
    return ClientSnapshot.of(this, channel, startup, state, heldServer(), events.connectedAt().toString());
  }

  /** The server connection this session holds now, if any. */
  public ServerConnection heldServer() {
    Relay current = relay;
    return current == null ? null : current.held();
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

  /** A CancelRequest with this session's key arrived: cancel what its server runs, or its wait for a cached call. */
  @Override
  public void cancelRunningQuery() {
    channel.eventLoop().execute(() -> {
      // Only while a query of this client runs: a late cancel must not hit what the backend runs next.
      if (state == State.RELAYING && relay.cancelRunningQuery()) {
        events.cancelForwarded();
      } else if (state == State.CACHE_WAIT) {
        cache.cancelWait(); // ends this client's wait only; the call goes on for the others
      }
    });
  }
}
