package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** Query: a simple-protocol query string (one or more statements). */
public record Query(String sql) {

  public static Query decode(ByteBuf body) {
    return new Query(Codec.readCString(body));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.QUERY);
    Codec.writeCString(buf, sql);
    return Codec.finish(buf);
  }
}
