package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;
import org.postgresml.proxy.cancel.CancelTarget;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * One client, from its StartupMessage to its last byte: the Netty lifecycle and the session's state
 * machine (its states, the moves between them, which frames each state takes). Each phase's work
 * is a part's, which moves the session along: the login its {@link LoginPhase}, getting a server
 * connection its {@link ServerHandOver}, what becomes of a logged-in client's frame its
 * {@link ClientFrames}, the answer cache its {@link CacheWait}, every way out its {@link SessionEnd};
 * the traffic with the connection held is its {@link Relay}. Frames pass
 * untouched both ways with backpressure. All of it runs on the client channel's event loop; server
 * callbacks from another loop hop onto it.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter implements CancelTarget {

  /** Where the session stands; each state accepts only its own messages, and moves only as {@link #next} says. */
  enum State {
    /** Connected, negotiating TLS, no StartupMessage yet. */
    AWAITING_STARTUP,
    /** The client is proving its password. */
    AUTHENTICATING,
    /** Authenticated; waiting for a server connection. */
    CONNECTING,
    /** Frames flow both ways. */
    RELAYING,
    /**
     * Logged in, holding no server connection: transaction mode between transactions, session mode
     * before the first message of a client greeted from the pool's cached parameters.
     */
    IDLE,
    /** The client spoke while IDLE: its frames wait for a server connection. */
    ACQUIRING,
    /** A cacheable call waits for the same call in flight for another client (cache/SessionCache). */
    CACHE_WAIT,
    /** Logged in to the proxy's own database (the admin console): its handler serves the client; no server connection. */
    SERVED_LOCALLY,
    /** Gone or being closed; nothing more is read or written. */
    CLOSED;

    /** The state machine (docs/proxy.md draws it): whether a session in this state may move to {@code to}. */
    boolean next(State to) {
      return to == this || to == CLOSED || switch (this) {
        case AWAITING_STARTUP, AUTHENTICATING -> to == CONNECTING || to == IDLE || to == SERVED_LOCALLY
            || (this == AWAITING_STARTUP && to == AUTHENTICATING);
        case CONNECTING -> to == RELAYING || to == IDLE;
        case RELAYING -> to == IDLE || to == CACHE_WAIT;
        case IDLE -> to == ACQUIRING || to == CACHE_WAIT;
        case ACQUIRING -> to == RELAYING;
        case CACHE_WAIT -> to == RELAYING || to == IDLE;
        case SERVED_LOCALLY, CLOSED -> false;
      };
    }
  }

  /** PostgreSQL's words for a session its shutdown ends (SQLSTATE 57P01). */
  public static final String SHUTDOWN_MESSAGE = "terminating connection due to administrator command";

  private final SessionContext context;
  private final SessionEvents events;
  private final LoginPhase login;
  private final SessionEnd end;
  private final ServerHandOver handOver;
  private final CacheWait cacheWait;
  private final ClientFrames frames;
  private volatile State state = State.AWAITING_STARTUP;
  private Channel channel;

  public ClientSession(SessionContext context) {
    this.context = context;
    this.events = new SessionEvents(() -> context.settings().logConnections());
    this.end = new SessionEnd(this, context, events);
    this.login = new LoginPhase(this, context, events, end);
    this.handOver = new ServerHandOver(this, context, login, end);
    this.cacheWait = new CacheWait(this, context, handOver, end);
    this.frames = new ClientFrames(this, handOver, cacheWait, end);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    events.connected(channel.remoteAddress());
    context.registry().add(this);
    login.arrived(ctx);
    context.metrics().clientAccepted();
    ctx.fireChannelActive();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (!(event instanceof StartupMessage message) || state != State.AWAITING_STARTUP) {
      ctx.fireUserEventTriggered(event);
    } else if (login.start(message)) {
      handOver.acquire();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    onClientFrame((ByteBuf) msg);
  }

  /** A frame from the client (or one held back until now), taken as the current state takes it. */
  void onClientFrame(ByteBuf frame) {
    switch (state) {
      case RELAYING -> frames.toServer(frame);
      case AUTHENTICATING -> {
        if (login.onPasswordFrame(frame)) {
          handOver.acquire();
        }
      }
      case CONNECTING, ACQUIRING, CACHE_WAIT -> handOver.hold(frame);
      case IDLE -> frames.startTransaction(frame);
      default -> ReferenceCountUtil.release(frame);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (state == State.RELAYING) {
      relay().flushToServer();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    // The client reads slower than the upstream sends: pause the upstream until it catches up.
    if (state == State.RELAYING) {
      relay().clientWritable(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    moveTo(State.CLOSED);
    login.left();
    handOver.close();
    cacheWait.close();
    Relay relay = relay();
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
    ErrorResponse error = end.forThrown(cause);
    if (error == null) {
      ctx.close(); // the socket failed: nobody is left to tell
    } else {
      end.fatal(error);
    }
  }

  // What its parts ask of the session (on its loop).

  State state() {
    return state;
  }

  /** Every change of state goes through here; the parts call it as their phase moves on. */
  void moveTo(State next) {
    assert state.next(next) : state + " -> " + next;
    state = next;
  }

  Channel channel() {
    return channel;
  }

  /** Every way this session ends, also the ones asked from outside (a shutdown, the logins in progress). */
  SessionEnd ending() {
    return end;
  }

  /** The traffic with server connections, from the login on (its pool mode is fixed then; a reload changes it for new sessions only). */
  Relay relay() {
    return login.relay();
  }

  /**
   * Logged in and owing the client nothing: no transaction open, no reply outstanding, no frame held.
   * The moment a shutdown may end the session without breaking anything the client began. On the loop.
   */
  boolean isBetweenTransactions() {
    return switch (state) {
      case IDLE -> !handOver.holdsFrames() && relay().holdsNothing();
      case RELAYING -> relay().isReusable();
      case SERVED_LOCALLY -> true;
      default -> false;
    };
  }

  // What the relay and the login's greeting ask of the session.

  boolean isRelaying() {
    return state == State.RELAYING;
  }

  /** Relaying, or (session mode) holding its server connection while a cacheable call waits. */
  boolean serverAttached() {
    return state == State.RELAYING || (state == State.CACHE_WAIT && cacheWait.holdsServer());
  }

  /** The held connection owes this client nothing and holds no transaction. */
  void transactionEnded() {
    if (relay().releaseBetweenTransactions()) {
      moveTo(State.IDLE);
    }
    end.atTransactionBoundary();
  }

  /** The server connection ended: the client ends too ({@link SessionEnd#serverGone}). */
  void serverClosed(ServerConnection lost) {
    if (serverAttached()) {
      end.serverGone(lost);
    }
  }

  /** The login's answer is about to go out, with these parameters: the answer cache opens for them. */
  void openCache(Map<String, String> reported) {
    cacheWait.open(login, reported);
  }

  // What the rest of the proxy asks: the admin console, cancels.

  /** This session as a line of SHOW CLIENTS (read from another thread: a snapshot, maybe a moment old). */
  public ClientSnapshot describe() {
    return ClientSnapshot.of(this, channel, login.startup(), state, heldServer(), events.connectedAt().toString());
  }

  /** The server connection this session holds now, if any. */
  public ServerConnection heldServer() {
    Relay current = relay();
    return current == null ? null : current.held();
  }

  public String database() {
    StartupMessage startup = login.startup();
    return startup == null ? null : startup.database();
  }

  public String user() {
    StartupMessage startup = login.startup();
    return startup == null ? null : startup.user();
  }

  public boolean isWaiting() {
    return state == State.CONNECTING || state == State.ACQUIRING;
  }

  /** A CancelRequest with this session's key arrived: cancel what its server runs, or its wait for a cached call. */
  @Override
  public void cancelRunningQuery() {
    channel.eventLoop().execute(() -> {
      // Only while a query of this client runs: a late cancel must not hit what the backend runs next.
      if (state == State.RELAYING && relay().cancelRunningQuery()) {
        events.cancelForwarded();
      } else if (state == State.CACHE_WAIT) {
        cacheWait.cancel(); // ends this client's wait only; the call goes on for the others
      }
    });
  }
}
