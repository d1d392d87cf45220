package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import org.postgresml.proxy.fleet.PeerCancel;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.CancelRequest;
import org.postgresml.proxy.protocol.frontend.GssEncRequest;
import org.postgresml.proxy.protocol.frontend.SslRequest;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The untyped start of a client connection: SSLRequest ('S' and TLS when the proxy has a
 * certificate, 'N' otherwise), GSSENCRequest ('N'), CancelRequest and a peer's PeerCancel (handed to
 * {@link CancelDispatch}, then closed) and the StartupMessage, which it hands to the
 * {@link ClientSession} before making way for typed frames.
 */
public final class NegotiationHandler extends ByteToMessageDecoder {

  /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH: a longer "startup" is garbage, not a login. */
  static final int MAX_STARTUP_LENGTH = 10000;

  private static final Logger LOG = LoggerFactory.getLogger("org.postgresml.proxy.session");

  private final SessionContext context;
  private boolean tlsOffered;

  public NegotiationHandler(SessionContext context) {
    this.context = context;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (in.readableBytes() < 4) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (length < 8 || length > MAX_STARTUP_LENGTH) {
      in.skipBytes(in.readableBytes());
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "invalid length of startup packet");
      return;
    }
    if (in.readableBytes() < length) {
      return;
    }
    in.skipBytes(4);
    ByteBuf body = in.readSlice(length - 4);
    int code = body.getInt(body.readerIndex());
    switch (code) {
      case SslRequest.CODE -> answerSslRequest(ctx, in);
      case GssEncRequest.CODE -> ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(MessageType.ENCRYPTION_REFUSED));
      case CancelRequest.CODE -> {
        body.skipBytes(4);
        cancel(ctx, body, length);
        in.skipBytes(in.readableBytes()); // one cancel per connection, as PostgreSQL reads it
        ctx.close(); // the client learns nothing either way, as from PostgreSQL
      }
      case PeerCancel.CODE -> {
        if (length == PeerCancel.LENGTH) {
          body.skipBytes(4);
          context.cancels().fromPeer(PeerCancel.decode(body), ctx.channel().remoteAddress());
        }
        in.skipBytes(in.readableBytes());
        ctx.close();
      }
      default -> startup(ctx, body);
    }
  }

  private void cancel(ChannelHandlerContext ctx, ByteBuf body, int length) {
    CancelRequest request;
    try {
      request = CancelRequest.decode(body);
    } catch (ProtocolException e) {
      // PostgreSQL logs this and closes without a word; a stack trace would say nothing more.
      LOG.atInfo().addKeyValue("client", ctx.channel().remoteAddress()).addKeyValue("length", length)
          .log(e.getMessage());
      return;
    }
    context.cancels().fromClient(request);
  }

  private void answerSslRequest(ChannelHandlerContext ctx, ByteBuf in) {
    if (tlsOffered || context.clientTls().isEmpty()) {
      ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(MessageType.ENCRYPTION_REFUSED));
      return;
    }
    if (in.isReadable()) {
      // Bytes sent before the handshake would be trusted as if they came over TLS (CVE-2021-23214).
      in.skipBytes(in.readableBytes());
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "received unencrypted data after SSL request");
      return;
    }
    tlsOffered = true;
    // startTls: the 'S' itself goes out in plain text, everything after it encrypted.
    SslHandler tls = new SslHandler(context.clientTls().get().newEngine(ctx.alloc()), true);
    ctx.pipeline().addFirst("tls", tls);
    ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(MessageType.ENCRYPTION_ACCEPTED));
  }

  private void startup(ChannelHandlerContext ctx, ByteBuf body) {
    StartupMessage startup;
    try {
      startup = StartupMessage.decode(body);
    } catch (ProtocolException | IndexOutOfBoundsException e) {
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "invalid startup packet layout");
      return;
    }
    int major = startup.protocolVersion() >>> 16;
    int minor = startup.protocolVersion() & 0xffff;
    if (startup.protocolVersion() != StartupMessage.PROTOCOL_3_0) {
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "unsupported frontend protocol " + major + "." + minor
          + ": server supports 3.0 to 3.0");
      return;
    }
    if (context.settings().tlsRequired() && ctx.pipeline().get(SslHandler.class) == null) {
      reject(ctx, SqlState.INVALID_AUTHORIZATION, "this proxy accepts only TLS connections (use sslmode=require)");
      return;
    }
    // Typed frames from here on. The session hears of the startup first; then this decoder goes and
    // hands any bytes it already holds to the frame decoder.
    ctx.pipeline().addAfter(ctx.name(), "frames", new FrameDecoder(FrameDecoder.MAX_LOGIN_FRAME_LENGTH));
    ctx.fireUserEventTriggered(startup);
    ctx.pipeline().remove(this);
  }

  private static void reject(ChannelHandlerContext ctx, String sqlState, String message) {
    ctx.writeAndFlush(ErrorResponse.fatal(sqlState, message).encode(ctx.alloc()))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
