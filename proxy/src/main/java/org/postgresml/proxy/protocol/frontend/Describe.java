package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;

/** Describe: asks for the description of a prepared statement ({@code 'S'}) or a portal ({@code 'P'}). */
public record Describe(TargetKind kind, String name) {

  public static Describe decode(ByteBuf body) {
    if (!body.isReadable()) {
      throw new ProtocolException("Describe without a target kind");
    }
    TargetKind kind = TargetKind.of(body.readByte());
    return new Describe(kind, Codec.readCString(body));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.DESCRIBE);
    buf.writeByte(kind.code());
    Codec.writeCString(buf, name);
    return Codec.finish(buf);
  }
}
