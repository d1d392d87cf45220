package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** Sync: ends an extended-protocol batch; the server answers ReadyForQuery. */
public final class Sync {

  public static final Sync INSTANCE = new Sync();

  private Sync() {}

  public ByteBuf encode(ByteBufAllocator alloc) {
    return Codec.finish(Codec.begin(alloc, (char) MessageType.SYNC));
  }
}
