package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.function.Consumer;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;

/**
 * The upstream side of the relay: passes every backend frame untouched to the attached listener
 * and looks only at the few messages the proxy must know about (ReadyForQuery, ParameterStatus,
 * ErrorResponse). Frames that arrive while nobody is attached wait in a queue. Replies to the
 * proxy's own queries (a reset, a SET, a health check) come first and are consumed here. A listener
 * on another event loop gets each read's frames in one hand-off at the read's end.
 */
final class ServerRelayHandler extends ChannelInboundHandlerAdapter {

  private final UpstreamEvents metrics;
  private final Queue<ByteBuf> unattached = new ArrayDeque<>();
  /** The proxy's own queries in flight, oldest first; each takes the replies up to its ReadyForQuery. */
  private final Queue<InternalQuery> internal = new ArrayDeque<>();
  private ServerConnection connection;
  private ServerListener listener;
  /** This read's frames for a listener on another loop: handed over together at the read's end. */
  private List<ByteBuf> crossing;
  private boolean closed;

  ServerRelayHandler(UpstreamEvents metrics) {
    this.metrics = metrics;
  }

  void bind(ServerConnection connection) {
    this.connection = connection;
  }

  void attach(ServerListener next) {
    handOver(); // what the previous listener was sent in this read is its own
    this.listener = next;
    if (next == null) {
      return;
    }
    if (!unattached.isEmpty()) {
      List<ByteBuf> waiting = new ArrayList<>(unattached);
      unattached.clear();
      deliver(next, waiting);
    }
    if (closed) {
      next.onServerClosed();
    }
  }

  void expectInternal(Consumer<Optional<ErrorResponse>> done) {
    if (closed) {
      done.accept(Optional.of(ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, connection.lostMessage())));
      return;
    }
    internal.add(new InternalQuery(done));
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
    if (!internal.isEmpty()) {
      consumeInternalReply(frame);
      return;
    }
    if (listener != null) {
      EventExecutor theirs = listener.executor();
      if (theirs == null || theirs.inEventLoop()) {
        listener.onServerFrame(frame);
      } else {
        if (crossing == null) {
          crossing = new ArrayList<>();
        }
        crossing.add(frame);
      }
    } else {
      if (FrameDecoder.type(frame) == MessageType.ERROR_RESPONSE) {
        // An error nobody asked for on an idle connection is the server's FATAL goodbye (shutdown,
        // pg_terminate_backend): never hand the connection out in the moment before its socket closes.
        connection.markBroken();
      }
      unattached.add(frame);
    }
  }

  private void inspect(ByteBuf frame) {
    switch (FrameDecoder.type(frame)) {
      case MessageType.PARAMETER_STATUS -> {
        ParameterStatus status = ParameterStatus.decode(Codec.body(frame));
        connection.parameterChanged(status.name(), status.value());
      }
      case MessageType.ERROR_RESPONSE -> {
        ErrorResponse error = ErrorResponse.decode(Codec.body(frame));
        metrics.error(SqlState.classOf(error.sqlState()));
        if (error.isFatal()) {
          connection.fatalReceived();
        }
      }
      default -> { }
    }
  }

  private void consumeInternalReply(ByteBuf frame) {
    try {
      InternalQuery head = internal.peek();
      byte type = FrameDecoder.type(frame);
      if (type == MessageType.ERROR_RESPONSE) {
        head.error = ErrorResponse.decode(Codec.body(frame));
      } else if (type == MessageType.READY_FOR_QUERY) {
        internal.poll();
        head.done.accept(Optional.ofNullable(head.error));
      }
    } finally {
      frame.release();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (crossing != null) {
      handOver();
    } else if (listener != null) {
      listener.onServerReadComplete();
    }
  }

  /** The frames held for a listener on another loop go to it (with their read's end); none held, nothing happens. */
  private void handOver() {
    List<ByteBuf> frames = crossing;
    if (frames != null) {
      crossing = null;
      listener.onServerFrames(frames);
    }
  }

  private static void deliver(ServerListener to, List<ByteBuf> frames) {
    EventExecutor theirs = to.executor();
    if (theirs == null || theirs.inEventLoop()) {
      frames.forEach(to::onServerFrame);
      to.onServerReadComplete();
    } else {
      to.onServerFrames(frames);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    handOver();
    if (listener != null) {
      listener.onServerWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    handOver();
    closed = true;
    for (InternalQuery query = internal.poll(); query != null; query = internal.poll()) {
      query.done.accept(Optional.of(query.error != null ? query.error
          : ErrorResponse.fatal(SqlState.CONNECTION_FAILURE, connection.lostMessage())));
    }
    if (listener != null) {
      listener.onServerClosed();
    }
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    if (crossing != null) {
      crossing.forEach(ByteBuf::release);
      crossing = null;
    }
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

  /** One of the proxy's own queries awaiting its ReadyForQuery. */
  private static final class InternalQuery {
    final Consumer<Optional<ErrorResponse>> done;
    ErrorResponse error;

    InternalQuery(Consumer<Optional<ErrorResponse>> done) {
      this.done = done;
    }
  }
}
