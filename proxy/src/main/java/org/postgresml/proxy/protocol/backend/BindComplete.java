package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** BindComplete: the server created the portal of a Bind. */
public final class BindComplete {

  public static final BindComplete INSTANCE = new BindComplete();

  private BindComplete() {}

  public ByteBuf encode(ByteBufAllocator alloc) {
    return Codec.finish(Codec.begin(alloc, (char) MessageType.BIND_COMPLETE));
  }
}
