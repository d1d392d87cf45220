package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.Promise;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.postgresml.proxy.auth.AuthenticationFailedException;
import org.postgresml.proxy.auth.UpstreamAuthenticator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.AuthenticationMessage;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.frontend.StartupMessage;

/**
 * Logs in to the upstream: sends the StartupMessage, answers its authentication requests, collects
 * ParameterStatus and BackendKeyData, and at the first ReadyForQuery hands over a
 * {@link ServerConnection} and makes way for the relay.
 */
final class UpstreamHandshake extends ChannelInboundHandlerAdapter {

  private final StartupMessage startup;
  private final UpstreamAuthenticator authenticator;
  private final String address;
  private final UpstreamEvents metrics;
  private final Promise<ServerConnection> result;
  private final Map<String, String> parameters = new LinkedHashMap<>();
  private BackendKeyData backendKey;

  UpstreamHandshake(StartupMessage startup, UpstreamAuthenticator authenticator, String address,
                    UpstreamEvents metrics, Promise<ServerConnection> result) {
    this.startup = startup;
    this.authenticator = authenticator;
    this.address = address;
    this.metrics = metrics;
    this.result = result;
  }

  /** Called once the transport (plain or TLS) is ready. */
  void start(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(startup.encode(ctx.alloc()));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      handle(ctx, frame);
    } catch (AuthenticationFailedException e) {
      fail(ctx, UpstreamException.rejected("authentication with upstream " + address + " failed: "
          + e.getMessage(), "28000"));
    } catch (RuntimeException e) {
      fail(ctx, new UpstreamException(SqlState.PROTOCOL_VIOLATION,
          "upstream " + address + " broke the protocol during login: " + e.getMessage(), e));
    } finally {
      frame.release();
    }
  }

  private void handle(ChannelHandlerContext ctx, ByteBuf frame) throws AuthenticationFailedException {
    ByteBuf body = Codec.body(frame);
    switch (FrameDecoder.type(frame)) {
      case MessageType.AUTHENTICATION -> {
        Optional<ByteBuf> answer = authenticator.respond(AuthenticationMessage.decode(body), ctx.alloc());
        answer.ifPresent(ctx::writeAndFlush);
      }
      case MessageType.PARAMETER_STATUS -> {
        ParameterStatus status = ParameterStatus.decode(body);
        // Interned: every connection of a pool hears the same dozen names and values, and a
        // session-mode client holds its connection (and these) as long as it stays idle.
        parameters.put(status.name().intern(), status.value().intern());
      }
      case MessageType.BACKEND_KEY_DATA -> backendKey = BackendKeyData.decode(body);
      case MessageType.ERROR_RESPONSE -> {
        ErrorResponse error = ErrorResponse.decode(body);
        metrics.error(SqlState.classOf(error.sqlState()));
        fail(ctx, UpstreamException.refusedLogin(address, error.sqlState(), error.message()));
      }
      case MessageType.READY_FOR_QUERY -> ready(ctx);
      default -> { } // NoticeResponse, NegotiateProtocolVersion: nothing to act on
    }
  }

  private void ready(ChannelHandlerContext ctx) {
    if (backendKey == null) {
      fail(ctx, new UpstreamException(SqlState.PROTOCOL_VIOLATION, "upstream " + address
          + " sent no BackendKeyData"));
      return;
    }
    ctx.channel().config().setAutoRead(false);
    ServerRelayHandler relay = new ServerRelayHandler(metrics);
    ctx.pipeline().replace(this, "relay", relay);
    ServerConnection connection = new ServerConnection(ctx.channel(), address, backendKey, parameters, relay);
    if (!result.trySuccess(connection)) {
      connection.close(); // the caller gave up (timeout, client left)
    }
  }

  private void fail(ChannelHandlerContext ctx, UpstreamException e) {
    result.tryFailure(e);
    ctx.close();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    result.tryFailure(new UpstreamException(SqlState.CONNECTION_FAILURE, "upstream " + address
        + " closed the connection during login"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(ctx, new UpstreamException(SqlState.CONNECTION_FAILURE, "connection to upstream " + address + " failed: "
        + UpstreamTlsNegotiation.reason(cause), cause));
  }
}
