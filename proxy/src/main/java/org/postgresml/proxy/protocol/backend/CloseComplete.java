package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** CloseComplete: the server closed the statement or portal of a Close. */
public final class CloseComplete {

  public static final CloseComplete INSTANCE = new CloseComplete();

  private CloseComplete() {}

  public ByteBuf encode(ByteBufAllocator alloc) {
    return Codec.finish(Codec.begin(alloc, (char) MessageType.CLOSE_COMPLETE));
  }
}
