package org.postgresml.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a stream of typed messages (type byte, int32 length, body) into frames without copying:
 * each frame is a retained slice holding the whole message, so the relay forwards it untouched.
 * A length below 4 or above the limit is a protocol violation, never an allocation.
 */
public final class FrameDecoder extends ByteToMessageDecoder {

  /** PostgreSQL's own limit for a message is 1 GB (MaxAllocSize); nothing legitimate is longer. */
  public static final int MAX_FRAME_LENGTH = 0x3fffffff;

  private final int maxFrameLength;

  public FrameDecoder() {
    this(MAX_FRAME_LENGTH);
  }

  public FrameDecoder(int maxFrameLength) {
    this.maxFrameLength = maxFrameLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (in.readableBytes() >= 5) {
      int start = in.readerIndex();
      int length = in.getInt(start + 1);
      if (length < 4 || length > maxFrameLength) {
        in.skipBytes(in.readableBytes());
        throw new ProtocolException("invalid message length " + Integer.toUnsignedString(length));
      }
      if (in.readableBytes() < length + 1) {
        return;
      }
      out.add(in.readRetainedSlice(length + 1));
    }
  }

  /** The type byte of a frame produced by this decoder. */
  public static byte type(ByteBuf frame) {
    return frame.getByte(frame.readerIndex());
  }
}
