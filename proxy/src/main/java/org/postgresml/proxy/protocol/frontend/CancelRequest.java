package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** CancelRequest: the key from BackendKeyData, sent on a new connection to cancel a running query. */
public record CancelRequest(int processId, int secretKey) {

  public static final int CODE = 80877102;
  /** Length word, code, pid and key: a CancelRequest of any other length is ignored, as by PostgreSQL. */
  public static final int LENGTH = 16;

  /** Decodes the body after length and code. */
  public static CancelRequest decode(ByteBuf body) {
    return new CancelRequest(body.readInt(), body.readInt());
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    return alloc.buffer(16).writeInt(16).writeInt(CODE).writeInt(processId).writeInt(secretKey);
  }
}
