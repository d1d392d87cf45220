package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.session.ClientSession.State;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * A session's login, from the socket's arrival to the greeting, so that {@link ClientSession} holds
 * one part for all of it: the socket's place among the logins in progress and its time limit
 * ({@code timeouts.clientLogin}), the StartupMessage and the password ({@link ClientLogin}), how a
 * refusal is logged, what follows the password ({@link LoginEnd}: the connection slot, the pool,
 * the greeting) and the cancel key the greeting hands out. It moves the session through its login
 * states (AWAITING_STARTUP, AUTHENTICATING, then SERVED_LOCALLY or IDLE) and says when the
 * greeting needs a server connection ({@link ServerHandOver} gets it: CONNECTING).
 */
final class LoginPhase {

  private final ClientSession session;
  private final SessionContext context;
  private final SessionEvents events;
  private final SessionEnd ending;
  private final ClientLogin login;
  private final LoginEnd end;
  private Channel channel;
  /** Volatile: the admin console's SHOW CLIENTS reads it from another thread. */
  private volatile StartupMessage startup;
  /** Runs until the client logged in (a wait for a server is bounded by queryWaitTimeout instead). */
  private ScheduledFuture<?> timer;
  /** The key this client got; it maps back to the session for CancelRequests until it leaves. */
  private BackendKeyData clientKey;
  /** The client's traffic with its pool, from the login on; volatile: SHOW SERVERS reads it from another thread. */
  private volatile Relay relay;

  LoginPhase(ClientSession session, SessionContext context, SessionEvents events, SessionEnd ending) {
    this.session = session;
    this.context = context;
    this.events = events;
    this.ending = ending;
    this.login = new ClientLogin(context, events);
    this.end = new LoginEnd(context, events);
  }

  /**
   * The socket connected: it takes a place among the logins in progress (at their bound the one that
   * has waited longest is dropped) and has {@code timeouts.clientLogin} to log in.
   */
  void arrived(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    context.connectionLimits().arrived(session).ifPresent(oldest -> oldest.ending().dropUnfinishedLogin());
    long timeout = context.settings().clientLoginTimeout().toMillis();
    timer = ctx.executor().schedule(() -> ending.unfinishedLogin(SqlState.PROTOCOL_VIOLATION,
        "login not completed within " + timeout + " ms"), timeout, TimeUnit.MILLISECONDS);
  }

  /**
   * The StartupMessage arrived: checked, then the password asked for (or, with trust, the client let
   * in). True when the logged-in client's greeting needs a server connection.
   */
  boolean start(StartupMessage message) {
    startup = message;
    return proceed(login.start(message, channel));
  }

  /** A frame while the password exchange runs (released here); true as for {@link #start}. */
  boolean onPasswordFrame(ByteBuf frame) {
    try {
      return proceed(login.onFrame(frame, channel));
    } finally {
      frame.release();
    }
  }

  private boolean proceed(ClientLogin.Progress progress) {
    switch (progress) {
      case PASSWORD_ASKED -> session.moveTo(State.AUTHENTICATING);
      case REFUSED -> refused(login.refusal());
      case LOGGED_IN -> {
        return loggedIn();
      }
    }
    return false;
  }

  // One a client may repeat without pause is counted toward one line per interval for all, and gets no line of its own.
  private void refused(StartupCheck.Refusal refusal) {
    if (refusal.repeatable()) {
      events.quiet();
      context.replicationRefusals().refused(String.valueOf(channel.remoteAddress()), startup.user(),
          refusal.sqlState());
    }
    ending.fatal(refusal.toError(), !refusal.repeatable());
  }

  /**
   * The password is proved: a connection slot, and where the client goes. Past this a wait for a
   * server connection is bounded by queryWaitTimeout, so the login timer stops (unless refused).
   */
  private boolean loggedIn() {
    LoginEnd.Joined joined = end.join(session, channel, startup, login.parameters(),
        refused -> ending.fatal(ErrorResponse.fatal(refused.sqlState(), refused.message())));
    if (joined == LoginEnd.Joined.REFUSED) {
      ending.fatal(ErrorResponse.fatal(SqlState.TOO_MANY_CONNECTIONS, end.refusal()));
      return false;
    }
    stopTimer();
    relay = end.relay();
    switch (joined) {
      case SERVED_LOCALLY -> {
        // Its own handler answers from now on, ahead of the session's; the session keeps the lifecycle.
        session.moveTo(State.SERVED_LOCALLY);
        clientKey = end.serveLocally(channel, session);
      }
      case GREETED -> {
        greet(null);
        session.moveTo(State.IDLE);
      }
      default -> {
        return true;
      }
    }
    return false;
  }

  /** The client's traffic with its pool; null before the login and for the proxy's own database. */
  Relay relay() {
    return relay;
  }

  /** Some startup setting is new to the pool: {@link #verify} it on the first connection before the greeting. */
  boolean needsVerifying() {
    return end.needsVerifying();
  }

  /** {@code verdict} gets the server's error, or empty; on the connection's event loop. */
  void verify(ServerConnection connection, Consumer<Optional<ErrorResponse>> verdict) {
    end.verify(connection, verdict);
  }

  /** Answers the login from {@code connection}'s parameters, or (null) from the pool's cached ones. */
  void greet(ServerConnection connection) {
    clientKey = end.greet(channel, session, connection);
  }

  /** The StartupMessage, once it came (null before). */
  StartupMessage startup() {
    return startup;
  }

  /** The settings the client's startup packet asked for (once logged in). */
  ClientParameters parameters() {
    return login.parameters();
  }

  /** The session closed: no timer left behind, and its cancel key maps to nothing. */
  void left() {
    stopTimer();
    if (clientKey != null) {
      context.cancelKeys().remove(clientKey);
    }
  }

  // Cancelled and dropped: an idle session holds no timer task.
  private void stopTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
