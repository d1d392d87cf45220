package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Promise;
import java.util.Optional;
import org.postgresml.proxy.config.SslMode;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.frontend.SslRequest;

/**
 * Sends SSLRequest and reads the one-byte answer. 'S' puts a TLS handler in front and waits for its
 * handshake; 'N' continues in plain text where the sslmode allows. Completes the promise with
 * whether the connection is encrypted. Bytes after the answer are refused (libpq does the same:
 * they would have been injected before encryption).
 */
final class UpstreamTlsNegotiation extends ChannelInboundHandlerAdapter {

  private final SslMode mode;
  private final SslContext context;
  private final String host;
  private final int port;
  private final Promise<Boolean> encrypted;

  UpstreamTlsNegotiation(SslMode mode, SslContext context, String host, int port, Promise<Boolean> encrypted) {
    this.mode = mode;
    this.context = context;
    this.host = host;
    this.port = port;
    this.encrypted = encrypted;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.writeAndFlush(SslRequest.INSTANCE.encode(ctx.alloc()));
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf in = (ByteBuf) msg;
    try {
      byte answer = in.readByte();
      if (in.isReadable()) {
        fail(ctx, "upstream sent unencrypted data after its answer to SSLRequest");
        return;
      }
      ctx.pipeline().remove(this);
      if (answer == MessageType.ENCRYPTION_ACCEPTED) {
        SslHandler tls = context.newHandler(ctx.alloc(), host, port);
        ctx.pipeline().addFirst("tls", tls);
        tls.handshakeFuture().addListener(done -> {
          if (done.isSuccess()) {
            encrypted.trySuccess(true);
          } else {
            encrypted.tryFailure(new UpstreamException(SqlState.UNABLE_TO_CONNECT,
                "TLS handshake with upstream " + address() + " failed: " + reason(done.cause()), done.cause()));
            ctx.close();
          }
        });
      } else if (answer == MessageType.ENCRYPTION_REFUSED && !mode.requiresTls()) {
        encrypted.trySuccess(false);
      } else if (answer == MessageType.ENCRYPTION_REFUSED) {
        fail(ctx, "upstream " + address() + " does not support TLS, but sslmode is " + mode.text());
      } else {
        fail(ctx, "upstream " + address() + " answered SSLRequest with an invalid byte");
      }
    } finally {
      in.release();
    }
  }

  private void fail(ChannelHandlerContext ctx, String message) {
    encrypted.tryFailure(new UpstreamException(SqlState.UNABLE_TO_CONNECT, message));
    ctx.close();
  }

  private String address() {
    return Optional.of(host).map(h -> h.contains(":") ? "[" + h + "]" : h).get() + ":" + port;
  }

  /** The innermost message, which names what was wrong (expired, unknown CA, host name mismatch). */
  static String reason(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return String.valueOf(root.getMessage());
  }
}
