package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
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
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.postgresml.proxy.auth.AuthenticationFailedException;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.AuthenticationOk;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.ServerListener;
import org.postgresml.proxy.upstream.UpstreamException;

/**
 * One client, from its StartupMessage to its last byte: login against the proxy's users, a server
 * connection from the {@link ServerConnectionProvider}, then the relay of untouched frames both ways
 * with backpressure. Everything runs on the client channel's event loop.
 */
public final class ClientSession extends ChannelInboundHandlerAdapter implements ServerListener {

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
    /** Gone or being closed; nothing more is read or written. */
    CLOSED
  }

  private final SessionContext context;
  private final SessionEvents events;
  /** Frames a client sent before its server connection was ready (clients rarely pipeline that early). */
  private final Queue<ByteBuf> early = new ArrayDeque<>();
  private State state = State.AWAITING_STARTUP;
  private Channel channel;
  private StartupMessage startup;
  private ClientAuthenticator authenticator;
  private ServerConnection server;
  /** The key this client got; it maps back to this session for CancelRequests. */
  private BackendKeyData clientKey;
  private ScheduledFuture<?> loginTimeout;

  public ClientSession(SessionContext context) {
    this.context = context;
    this.events = new SessionEvents();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    events.connected(channel.remoteAddress());
    context.registry().add(this);
    context.metrics().clientAccepted();
    long timeout = context.settings().clientLoginTimeout().toMillis();
    loginTimeout = ctx.executor().schedule(() -> {
      if (state != State.RELAYING && state != State.CLOSED) {
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
    String user = message.user();
    if (user == null || user.isEmpty()) {
      fatal(SqlState.INVALID_AUTHORIZATION, "no PostgreSQL user name specified in startup packet");
      return;
    }
    events.identified(user, message.database());
    if (message.parameters().containsKey("replication")) {
      fatal(SqlState.FEATURE_NOT_SUPPORTED, "replication connections are not supported by pgml-proxy");
      return;
    }
    if (!context.servers().serves(message.database())) {
      fatal("3D000", "database \"" + message.database() + "\" does not exist on this proxy");
      return;
    }
    authenticator = new ClientAuthenticator(context.settings().clientAuthMethod(), context.users(), user);
    ByteBuf request = authenticator.start(ctx.alloc());
    if (request == null) {
      acquireServer();
    } else {
      state = State.AUTHENTICATING;
      ctx.writeAndFlush(request);
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    switch (state) {
      case RELAYING -> relayToServer(frame);
      case AUTHENTICATING -> {
        try {
          authenticate(ctx, frame);
        } finally {
          frame.release();
        }
      }
      case CONNECTING -> early.add(frame);
      default -> ReferenceCountUtil.release(frame);
    }
  }

  private void authenticate(ChannelHandlerContext ctx, ByteBuf frame) {
    if (FrameDecoder.type(frame) != MessageType.PASSWORD_MESSAGE) {
      fatal(SqlState.PROTOCOL_VIOLATION, "expected a password response, got message type '"
          + (char) FrameDecoder.type(frame) + "'");
      return;
    }
    ClientAuthenticator.Step step;
    try {
      step = authenticator.onPasswordMessage(Codec.body(frame), ctx.alloc());
    } catch (AuthenticationFailedException | ProtocolException | IndexOutOfBoundsException e) {
      context.metrics().authFailed();
      events.authenticationFailed(e.getMessage());
      // One message whether the user exists or not, as PostgreSQL words it.
      fatal(SqlState.INVALID_PASSWORD, "password authentication failed for user \"" + startup.user() + "\"");
      return;
    }
    if (step.reply() != null) {
      ctx.writeAndFlush(step.reply());
    }
    if (step.authenticated()) {
      acquireServer();
    }
  }

  private void acquireServer() {
    state = State.CONNECTING;
    events.authenticated();
    channel.config().setAutoRead(false);
    Future<ServerConnection> acquired = context.servers().acquire(channel.eventLoop(), startup);
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
    if (state != State.CONNECTING || !channel.isActive()) {
      context.servers().release(connection, connection.transactionStatus() == TransactionStatus.IDLE);
      return;
    }
    server = connection;
    clientKey = context.cancelKeys().register(connection.backendKey().processId(), this);
    channel.write(AuthenticationOk.INSTANCE.encode(channel.alloc()));
    connection.parameters().forEach((name, value) ->
        channel.write(new ParameterStatus(name, value).encode(channel.alloc())));
    channel.write(clientKey.encode(channel.alloc()));
    channel.writeAndFlush(new ReadyForQuery(connection.transactionStatus()).encode(channel.alloc()));
    state = State.RELAYING;
    loginTimeout.cancel(false);
    events.relaying(connection.upstreamAddress(), connection.backendKey().processId());
    connection.attach(this);
    for (ByteBuf frame = early.poll(); frame != null; frame = early.poll()) {
      relayToServer(frame);
    }
    connection.flush();
    channel.config().setAutoRead(connection.isWritable());
  }

  private void relayToServer(ByteBuf frame) {
    if (FrameDecoder.type(frame) == MessageType.TERMINATE) {
      frame.release();
      state = State.CLOSED;
      channel.close();
      return;
    }
    context.metrics().bytesFromClient(frame.readableBytes());
    server.write(frame);
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
    if (state != State.RELAYING) {
      frame.release();
      return;
    }
    context.metrics().bytesToClient(frame.readableBytes());
    channel.write(frame, channel.voidPromise());
  }

  @Override
  public void onServerReadComplete() {
    channel.flush();
  }

  @Override
  public void onServerWritabilityChanged(boolean writable) {
    if (state == State.RELAYING) {
      channel.config().setAutoRead(writable);
    }
  }

  @Override
  public void onServerClosed() {
    // The server's own FATAL (pg_terminate_backend, shutdown) has been relayed already; end the client too.
    if (state == State.RELAYING) {
      state = State.CLOSED;
      events.upstreamClosed();
      channel.writeAndFlush(channel.alloc().buffer(0)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.CLOSED;
    if (loginTimeout != null) {
      loginTimeout.cancel(false);
    }
    for (ByteBuf frame = early.poll(); frame != null; frame = early.poll()) {
      frame.release();
    }
    if (clientKey != null) {
      context.cancelKeys().remove(clientKey);
    }
    if (server != null) {
      context.servers().release(server, server.transactionStatus() == TransactionStatus.IDLE);
      server = null;
    }
    context.registry().remove(this);
    context.metrics().clientClosed();
    events.disconnected();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
    if (root instanceof ProtocolException) {
      fatal(SqlState.PROTOCOL_VIOLATION, root.getMessage());
    } else if (root instanceof IOException) {
      events.socketError(root);
      ctx.close();
    } else {
      events.unexpected(root);
      fatal(SqlState.PROTOCOL_VIOLATION, "invalid message from client");
    }
  }

  /** Sends a FATAL error and closes; the session reads nothing more. */
  private void fatal(String sqlState, String message) {
    if (state == State.CLOSED && !channel.isActive()) {
      return;
    }
    state = State.CLOSED;
    context.metrics().error(SqlState.classOf(sqlState));
    events.fatal(sqlState, message);
    channel.writeAndFlush(ErrorResponse.fatal(sqlState, message).encode(channel.alloc()))
        .addListener(ChannelFutureListener.CLOSE);
  }

  /** Ends the session from outside (shutdown); safe from any thread. */
  void terminate(String sqlState, String message) {
    channel.eventLoop().execute(() -> {
      if (channel.isActive()) {
        fatal(sqlState, message);
      }
    });
  }

  /** A CancelRequest with this session's key arrived: cancel what its server runs. */
  void cancelRunningQuery() {
    channel.eventLoop().execute(() -> {
      if (server != null && state == State.RELAYING) {
        events.cancelForwarded();
        context.servers().cancel(channel.eventLoop(), server);
      }
    });
  }
}
