package org.postgresml.testing.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * Forwards what one channel reads to another channel after a fixed one-way delay, in order.
 * Memory is bounded: once {@code maxInFlightBytes} are read but not yet written out, the source
 * stops reading until half of them have left, so a 1 GB COPY crosses the relay in constant space.
 * Both channels live on the same event loop, so the counters need no synchronisation.
 */
final class DelayedForwarder extends ChannelInboundHandlerAdapter {

  private final Channel destination;
  private final long delayNanos;
  private final long maxInFlightBytes;
  private long inFlightBytes;

  DelayedForwarder(Channel destination, long delayNanos, long maxInFlightBytes) {
    this.destination = destination;
    this.delayNanos = delayNanos;
    this.maxInFlightBytes = maxInFlightBytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf data)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    int size = data.readableBytes();
    inFlightBytes += size;
    if (inFlightBytes >= maxInFlightBytes) {
      ctx.channel().config().setAutoRead(false);
    }
    // Scheduled tasks with equal delays run in submission order, so the byte stream keeps its order.
    later(ctx, () -> forward(ctx, data, size));
  }

  private void forward(ChannelHandlerContext ctx, ByteBuf data, int size) {
    if (!destination.isActive()) {
      data.release();
      ctx.close();
      return;
    }
    destination.writeAndFlush(data).addListener((ChannelFutureListener) written -> {
      inFlightBytes -= size;
      if (!written.isSuccess()) {
        closeOnFlush(ctx.channel());
      } else if (inFlightBytes <= maxInFlightBytes / 2 && !ctx.channel().config().isAutoRead()) {
        ctx.channel().config().setAutoRead(true);
      }
    });
  }

  /**
   * One side finished sending (a TCP half-close): pass the FIN on after the delay, once every byte
   * before it is written; when both directions have finished, close both.
   */
  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
    if (!(event instanceof ChannelInputShutdownEvent)) {
      ctx.fireUserEventTriggered(event);
      return;
    }
    later(ctx, () -> {
      if (!destination.isActive()) {
        ctx.close();
        return;
      }
      destination.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
        DuplexChannel target = (DuplexChannel) destination;
        target.shutdownOutput().addListener(done -> {
          if (target.isInputShutdown()) {
            target.close();
            ctx.close();
          }
        });
      });
    });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    // The end of the stream travels with the same delay as its last bytes.
    later(ctx, () -> closeOnFlush(destination));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeOnFlush(ctx.channel());
  }

  private void later(ChannelHandlerContext ctx, Runnable task) {
    if (delayNanos == 0) {
      task.run();
    } else {
      ctx.executor().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }
  }

  static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
