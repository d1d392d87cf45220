package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** ParseComplete: the server prepared the statement of a Parse. */
public final class ParseComplete {

  public static final ParseComplete INSTANCE = new ParseComplete();

  private ParseComplete() {}

  public ByteBuf encode(ByteBufAllocator alloc) {
    return Codec.finish(Codec.begin(alloc, (char) MessageType.PARSE_COMPLETE));
  }
}
