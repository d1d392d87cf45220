package org.postgresml.proxy.session;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.session.ClientSession.State;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * Every way a session ends, in one place, so each is counted, logged and worded alike: the FATAL
 * it sends (counted by SQLSTATE class, logged unless a refusal clients repeat is summed up
 * elsewhere), the quiet close (Terminate, a socket that never sent a startup packet), the SQLSTATE
 * a thrown exception or a failed acquire becomes, the goodbye when the server connection vanished,
 * and the ends asked from outside: a shutdown's, between transactions or at once, and a login
 * dropped for time or room. Each moves the session to CLOSED; it reads nothing more.
 */
final class SessionEnd {

  /** Said to a socket dropped to make room among the logins in progress (53300). */
  static final String TOO_MANY_LOGINS = "too many connections are logging in at once; try again";

  private final ClientSession session;
  private final SessionContext context;
  private final SessionEvents events;

  SessionEnd(ClientSession session, SessionContext context, SessionEvents events) {
    this.session = session;
    this.context = context;
    this.events = events;
  }

  void fatal(ErrorResponse error) {
    fatal(error, true);
  }

  /** Sends {@code error} and closes once it is written; {@code logged}: with a log line of the session's own. */
  void fatal(ErrorResponse error, boolean logged) {
    Channel channel = session.channel();
    if (session.state() == State.CLOSED && !channel.isActive()) {
      return;
    }
    session.moveTo(State.CLOSED);
    context.metrics().error(SqlState.classOf(error.sqlState()));
    if (logged) {
      events.fatal(error.sqlState(), error.message());
    }
    channel.writeAndFlush(error.encode(channel.alloc())).addListener(ChannelFutureListener.CLOSE);
  }

  /** Closed without a word: Terminate, or a socket that never sent a startup packet (PostgreSQL owes it no reply). */
  void closeQuietly() {
    session.moveTo(State.CLOSED);
    session.channel().close();
  }

  /**
   * The FATAL for what the client's side threw (a frame that does not decode, one past the limits,
   * a bug: never its stack trace), or null where the socket itself failed and nobody is left to tell.
   */
  ErrorResponse forThrown(Throwable cause) {
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof ProtocolException) {
      return ErrorResponse.fatal(SqlState.PROTOCOL_VIOLATION, root.getMessage());
    }
    if (root instanceof LimitExceededException) {
      return ErrorResponse.fatal(SqlState.PROGRAM_LIMIT_EXCEEDED, root.getMessage());
    }
    if (root instanceof IOException) {
      events.socketError(root);
      return null;
    }
    events.unexpected(root);
    return ErrorResponse.fatal(SqlState.PROTOCOL_VIOLATION, "invalid message from client");
  }

  /** No server connection came: the upstream's own words where it had some, else where it is (never credentials). */
  ErrorResponse forFailedAcquire(Throwable cause, String upstream) {
    events.upstreamFailed(cause);
    return cause instanceof UpstreamException failed ? ErrorResponse.fatal(failed.sqlState(), failed.getMessage())
        : ErrorResponse.fatal(SqlState.UNABLE_TO_CONNECT, "could not connect to upstream " + upstream);
  }

  /** A type PostgreSQL does not define, or a login message after the login: refused as the server refuses it. */
  static ErrorResponse invalidType(byte type) {
    return ErrorResponse.fatal(SqlState.PROTOCOL_VIOLATION, "invalid frontend message type " + (type & 0xff));
  }

  /**
   * The held server connection ended, and the client with it. Its own FATAL (pg_terminate_backend,
   * shutdown) has been relayed already; one that vanished without (killed backend, dropped link)
   * gets the client an 08006 of ours.
   */
  void serverGone(ServerConnection lost) {
    Channel channel = session.channel();
    session.moveTo(State.CLOSED);
    events.upstreamClosed();
    if (lost == null || lost.sentFatal()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    context.metrics().error(SqlState.classOf(SqlState.CONNECTION_FAILURE));
    channel.writeAndFlush(ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, lost.lostMessage()).encode(channel.alloc()))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** A transaction ended (or a shutdown asks): while the proxy drains, that is where the session ends. On the loop. */
  void atTransactionBoundary() {
    if (context.registry().closesBetweenTransactions() && session.channel().isActive()
        && session.isBetweenTransactions()) {
      context.registry().closedBetweenTransactions();
      fatal(ErrorResponse.fatal(SqlState.ADMIN_SHUTDOWN, ClientSession.SHUTDOWN_MESSAGE));
    }
  }

  /** A shutdown began closing sessions: this one ends now if it is between transactions; safe from any thread. */
  void endIfBetweenTransactions() {
    session.channel().eventLoop().execute(this::atTransactionBoundary);
  }

  /** Ends the session from outside (shutdown) if it is still open; safe from any thread. */
  void terminate(String sqlState, String message) {
    Channel channel = session.channel();
    channel.eventLoop().execute(() -> {
      if (channel.isActive()) {
        fatal(ErrorResponse.fatal(sqlState, message));
      }
    });
  }

  /** Too many sockets are logging in and this one has waited longest: it goes, if it still has not logged in. */
  void dropUnfinishedLogin() {
    session.channel().eventLoop().execute(() -> unfinishedLogin(SqlState.TOO_MANY_CONNECTIONS, TOO_MANY_LOGINS));
  }

  /**
   * The login ran out of time or of room (others waited less). A socket that sent no startup
   * packet (silent, or mid-TLS) is closed without a word, as PostgreSQL closes it; one proving its
   * password is told why. Logged in or closed already: nothing. On the loop.
   */
  void unfinishedLogin(String sqlState, String message) {
    if (session.state() == State.AWAITING_STARTUP) {
      closeQuietly();
    } else if (session.state() == State.AUTHENTICATING) {
      fatal(ErrorResponse.fatal(sqlState, message));
    }
  }
}
