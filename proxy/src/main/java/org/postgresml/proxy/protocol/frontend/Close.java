package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;

/** Close: drops a prepared statement ({@code 'S'}) or a portal ({@code 'P'}). */
public record Close(TargetKind kind, String name) {

  public static Close decode(ByteBuf body) {
    if (!body.isReadable()) {
      throw new ProtocolException("Close without a target kind");
    }
    TargetKind kind = TargetKind.of(body.readByte());
    return new Close(kind, Codec.readCString(body));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.CLOSE);
    buf.writeByte(kind.code());
    Codec.writeCString(buf, name);
    return Codec.finish(buf);
  }
}
