package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.postgresml.proxy.protocol.Codec;

/** AuthenticationSASL: the SASL mechanisms the server offers. */
public record AuthenticationSasl(List<String> mechanisms) implements AuthenticationMessage {

  public AuthenticationSasl {
    mechanisms = List.copyOf(mechanisms);
  }

  @Override
  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = AuthenticationMessage.begin(alloc, SASL);
    mechanisms.forEach(name -> Codec.writeCString(buf, name));
    buf.writeByte(0);
    return Codec.finish(buf);
  }
}
