package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.SslHandler;
import java.util.List;
import org.postgresml.proxy.cancel.CancelDispatch;
import org.postgresml.proxy.cancel.PeerCancel;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.NegotiateProtocolVersion;
import org.postgresml.proxy.protocol.backend.ProtocolTwoErrorResponse;
import org.postgresml.proxy.protocol.frontend.CancelRequest;
import org.postgresml.proxy.protocol.frontend.GssEncRequest;
import org.postgresml.proxy.protocol.frontend.SslRequest;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The untyped start of a client connection, answered as PostgreSQL's ProcessStartupPacket answers
 * it: SSLRequest ('S' and TLS when the proxy has a certificate, 'N' otherwise), GSSENCRequest ('N'),
 * CancelRequest and a peer's PeerCancel (handed to {@link CancelDispatch}, then closed) and the
 * StartupMessage, which it hands to the {@link ClientSession} before making way for typed frames.
 * What PostgreSQL only logs (a length no startup packet has: garbage, an HTTP request, a Terminate
 * sent before the startup) closes the connection without a reply; what PostgreSQL answers with a
 * FATAL gets the same SQLSTATE.
 */
public final class NegotiationHandler extends ByteToMessageDecoder {

  /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH (the body after the length word): a longer "startup" is garbage. */
  static final int MAX_STARTUP_LENGTH = 10000;
  /** Protocol 3.0: the newest this proxy speaks. */
  private static final int NEWEST_MINOR_VERSION = 0;

  private static final Logger LOG = LoggerFactory.getLogger("org.postgresml.proxy.session");

  private final SessionContext context;
  /** An SSLRequest was answered: another is no SSLRequest but a bogus protocol version, as in PostgreSQL. */
  private boolean sslDone;
  private boolean gssDone;
  /** Refused or cancelled: the connection is closing, and nothing more of it is read. */
  private boolean closing;

  public NegotiationHandler(SessionContext context) {
    this.context = context;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    if (closing) {
      // Refused, or a cancel was read: the rest is not read (found by NegotiationFuzzTest: a second
      // packet behind a refused one was taken for a new startup on a closing connection).
      in.skipBytes(in.readableBytes());
      return;
    }
    if (in.readableBytes() < 4) {
      return;
    }
    int length = in.getInt(in.readerIndex());
    if (length < 8 || length - 4 > MAX_STARTUP_LENGTH) {
      // PostgreSQL logs "invalid length of startup packet" and closes without a word: whatever sent
      // it (a port scanner, an HTTP client, a driver's Terminate before its startup) is no client.
      in.skipBytes(in.readableBytes());
      closing = true;
      ctx.close();
      return;
    }
    if (in.readableBytes() < length) {
      return;
    }
    in.skipBytes(4);
    ByteBuf body = in.readSlice(length - 4);
    int code = body.getInt(body.readerIndex());
    if (code == SslRequest.CODE && !sslDone) {
      answerSslRequest(ctx, in);
    } else if (code == GssEncRequest.CODE && !gssDone) {
      gssDone = true;
      ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(MessageType.ENCRYPTION_REFUSED));
      refuseEarlyData(ctx, in, "received unencrypted data after GSSAPI encryption request");
    } else if (code == CancelRequest.CODE) {
      body.skipBytes(4);
      cancel(ctx, body, length);
      in.skipBytes(in.readableBytes()); // one cancel per connection, as PostgreSQL reads it
      closing = true;
      ctx.close(); // the client learns nothing either way, as from PostgreSQL
    } else if (code == PeerCancel.CODE) {
      if (length == PeerCancel.LENGTH) {
        body.skipBytes(4);
        context.cancels().fromPeer(PeerCancel.decode(body), ctx.channel().remoteAddress());
      }
      in.skipBytes(in.readableBytes());
      closing = true;
      ctx.close();
    } else {
      startup(ctx, body);
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
    context.cancels().fromClient(request, ctx.channel().remoteAddress());
  }

  private void answerSslRequest(ChannelHandlerContext ctx, ByteBuf in) {
    sslDone = true;
    if (context.clientTls().isEmpty()) {
      ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(MessageType.ENCRYPTION_REFUSED));
      refuseEarlyData(ctx, in, "received unencrypted data after SSL request");
      return;
    }
    if (in.isReadable()) {
      // Bytes sent before the handshake would be trusted as if they came over TLS (CVE-2021-23214).
      in.skipBytes(in.readableBytes());
      reject(ctx, SqlState.PROTOCOL_VIOLATION, "received unencrypted data after SSL request");
      return;
    }
    gssDone = true;
    // startTls: the 'S' itself goes out in plain text, everything after it encrypted.
    SslHandler tls = new SslHandler(context.clientTls().get().newEngine(ctx.alloc()), true);
    ctx.pipeline().addFirst("tls", tls);
    ctx.writeAndFlush(ctx.alloc().buffer(1).writeByte(MessageType.ENCRYPTION_ACCEPTED));
  }

  // A client must wait for the answer to its encryption request before it sends more: bytes already
  // here were sent blind, maybe injected; PostgreSQL refuses them.
  private void refuseEarlyData(ChannelHandlerContext ctx, ByteBuf in, String message) {
    if (in.isReadable()) {
      in.skipBytes(in.readableBytes());
      reject(ctx, SqlState.PROTOCOL_VIOLATION, message);
    }
  }

  private void startup(ChannelHandlerContext ctx, ByteBuf body) {
    int version = body.getInt(body.readerIndex());
    int major = version >>> 16;
    int minor = version & 0xffff;
    if (major != 3) {
      String message = "unsupported frontend protocol " + major + "." + minor + ": server supports 3.0 to 3."
          + NEWEST_MINOR_VERSION;
      if (major < 3) {
        // PostgreSQL answers in the client's own protocol version, at most its newest.
        closing = true;
        ctx.writeAndFlush(new ProtocolTwoErrorResponse(message).encode(ctx.alloc()))
            .addListener(ChannelFutureListener.CLOSE);
      } else {
        reject(ctx, SqlState.FEATURE_NOT_SUPPORTED, message);
      }
      return;
    }
    StartupMessage startup;
    try {
      startup = StartupMessage.decode(body);
    } catch (ProtocolException | IndexOutOfBoundsException e) {
      reject(ctx, SqlState.PROTOCOL_VIOLATION, StartupMessage.LAYOUT_ERROR);
      return;
    }
    List<String> unknownOptions = startup.parameters().keySet().stream()
        .filter(name -> name.startsWith(ClientParameters.PROTOCOL_OPTION_PREFIX)).toList();
    if (minor > NEWEST_MINOR_VERSION || !unknownOptions.isEmpty()) {
      // As PostgreSQL: name what this server speaks, and go on with the login in protocol 3.0.
      ctx.write(new NegotiateProtocolVersion((3 << 16) | Math.min(minor, NEWEST_MINOR_VERSION), unknownOptions)
          .encode(ctx.alloc()));
    }
    if (context.settings().tlsRequired() && ctx.pipeline().get(SslHandler.class) == null) {
      reject(ctx, SqlState.INVALID_AUTHORIZATION, "this proxy accepts only TLS connections (use sslmode=require)");
      return;
    }
    // Typed frames from here on. The session hears of the startup first; then this decoder goes and
    // hands any bytes it already holds to the frame decoder.
    ctx.pipeline().addAfter(ctx.name(), "frames", new FrameDecoder(FrameDecoder.MAX_LOGIN_FRAME_LENGTH));
    ctx.fireUserEventTriggered(startup);
    if (!ctx.isRemoved()) { // a login refused at once may have closed the channel, handlers and all
      ctx.pipeline().remove(this);
    }
  }

  private void reject(ChannelHandlerContext ctx, String sqlState, String message) {
    closing = true;
    ctx.writeAndFlush(ErrorResponse.fatal(sqlState, message).encode(ctx.alloc()))
        .addListener(ChannelFutureListener.CLOSE);
  }
}
