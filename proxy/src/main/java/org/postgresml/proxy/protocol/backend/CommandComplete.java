package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** CommandComplete: the tag of a finished command ({@code SHOW}, {@code SELECT 3}, {@code RELOAD}). */
public record CommandComplete(String tag) {

  public static CommandComplete decode(ByteBuf body) {
    return new CommandComplete(Codec.readCString(body));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.COMMAND_COMPLETE);
    Codec.writeCString(buf, tag);
    return Codec.finish(buf);
  }
}
