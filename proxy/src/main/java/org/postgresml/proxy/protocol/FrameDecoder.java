package org.postgresml.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Cuts a stream of typed messages (type byte, int32 length, body) into frames without copying:
 * each frame is a retained slice holding the whole message, so the relay forwards it untouched.
 * The length header decides before anything is buffered: below 4 or past PostgreSQL's 1 GB is a
 * protocol violation, past this decoder's limit a {@link LimitExceededException}. After either, the
 * rest of the stream is discarded unread (its framing is lost, and the session is ending).
 */
public final class FrameDecoder extends ByteToMessageDecoder {

  /** PostgreSQL's own limit for a message is 1 GB (MaxAllocSize); nothing legitimate is longer. */
  public static final int MAX_FRAME_LENGTH = 0x3fffffff;

  /** What a client may send before it has logged in: PostgreSQL's PG_MAX_AUTH_TOKEN_LENGTH. */
  public static final int MAX_LOGIN_FRAME_LENGTH = 65535;

  private int maxFrameLength;
  private boolean discarding;

  public FrameDecoder() {
    this(MAX_FRAME_LENGTH);
  }

  public FrameDecoder(int maxFrameLength) {
    limit(maxFrameLength);
  }

  /** Changes the limit for the frames still to come (a client that logged in may send more). */
  public void limit(int maxFrameLength) {
    if (maxFrameLength < 4 || maxFrameLength > MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException("frame limit " + maxFrameLength + " is outside 4.." + MAX_FRAME_LENGTH);
    }
    this.maxFrameLength = maxFrameLength;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
    while (!discarding && in.readableBytes() >= 5) {
      int start = in.readerIndex();
      byte type = in.getByte(start);
      int length = in.getInt(start + 1);
      if (length < 4 || length > MAX_FRAME_LENGTH) {
        discard(in);
        throw new ProtocolException("invalid message length " + Integer.toUnsignedString(length));
      }
      if (length > maxFrameLength) {
        discard(in);
        throw new LimitExceededException("message " + describe(type) + " of " + length
            + " bytes is longer than the proxy accepts (" + maxFrameLength + " bytes"
            + (maxFrameLength == MAX_LOGIN_FRAME_LENGTH ? " before login)" : ", limits.maxMessageSize)"));
      }
      if (in.readableBytes() < length + 1) {
        return;
      }
      out.add(in.readRetainedSlice(length + 1));
    }
    if (discarding) {
      in.skipBytes(in.readableBytes());
    }
  }

  private void discard(ByteBuf in) {
    discarding = true;
    in.skipBytes(in.readableBytes());
  }

  private static String describe(byte type) {
    return type >= 0x21 && type <= 0x7e ? "'" + (char) type + "'" : String.format("0x%02x", type & 0xff);
  }

  /** The type byte of a frame produced by this decoder. */
  public static byte type(ByteBuf frame) {
    return frame.getByte(frame.readerIndex());
  }
}
