package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Queue;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;

/**
 * The upstream side of the relay: passes every backend frame untouched to the attached listener
 * and looks only at the few messages the proxy must know about (ReadyForQuery, ParameterStatus,
 * ErrorResponse). Frames that arrive while nobody is attached wait in a queue.
 */
final class ServerRelayHandler extends ChannelInboundHandlerAdapter {

  private final ProxyMetrics metrics;
  private final Queue<ByteBuf> unattached = new ArrayDeque<>();
  private ServerConnection connection;
  private ServerListener listener;
  private boolean closed;

  ServerRelayHandler(ProxyMetrics metrics) {
    this.metrics = metrics;
  }

  void bind(ServerConnection connection) {
    this.connection = connection;
  }

  void attach(ServerListener next) {
    this.listener = next;
    if (next == null) {
      return;
    }
    boolean any = !unattached.isEmpty();
    for (ByteBuf frame = unattached.poll(); frame != null; frame = unattached.poll()) {
      next.onServerFrame(frame);
    }
    if (any) {
      next.onServerReadComplete();
    }
    if (closed) {
      next.onServerClosed();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      inspect(frame);
    } catch (RuntimeException e) {
      ReferenceCountUtil.release(frame);
      throw e;
    }
    if (listener != null) {
      listener.onServerFrame(frame);
    } else {
      unattached.add(frame);
    }
  }

  private void inspect(ByteBuf frame) {
    switch (FrameDecoder.type(frame)) {
      case MessageType.READY_FOR_QUERY -> connection.transactionStatus(ReadyForQuery.decode(Codec.body(frame)).status());
      case MessageType.PARAMETER_STATUS -> {
        ParameterStatus status = ParameterStatus.decode(Codec.body(frame));
        connection.parameterChanged(status.name(), status.value());
      }
      case MessageType.ERROR_RESPONSE ->
          metrics.error(SqlState.classOf(ErrorResponse.decode(Codec.body(frame)).sqlState()));
      default -> { }
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onServerReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (listener != null) {
      listener.onServerWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closed = true;
    if (listener != null) {
      listener.onServerClosed();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    for (ByteBuf frame = unattached.poll(); frame != null; frame = unattached.poll()) {
      frame.release();
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // The listener learns of it through channelInactive; the cause goes to the log of the session.
    UpstreamLog.LOG.atDebug().setCause(cause).addKeyValue("upstream", connection.upstreamAddress())
        .log("upstream connection failed");
    ctx.close();
  }
}
