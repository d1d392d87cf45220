package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.ProtocolException;

/** CancelRequest: the key from BackendKeyData, sent on a new connection to cancel a running query. */
public record CancelRequest(int processId, int secretKey) {

  public static final int CODE = 80877102;

  /** Length, code, process id and secret key: a CancelRequest has exactly these 16 bytes. */
  public static final int LENGTH = 16;

  /** Decodes the body after length and code; any other size is a protocol violation. */
  public static CancelRequest decode(ByteBuf body) {
    if (body.readableBytes() != LENGTH - 8) {
      throw new ProtocolException("invalid length of cancel request");
    }
    return new CancelRequest(body.readInt(), body.readInt());
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    return alloc.buffer(LENGTH).writeInt(LENGTH).writeInt(CODE).writeInt(processId).writeInt(secretKey);
  }
}
