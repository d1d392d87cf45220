package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.postgresml.proxy.protocol.Codec;

/** AuthenticationSASLContinue: the server-first-message of SCRAM. */
public record AuthenticationSaslContinue(String data) implements AuthenticationMessage {

  @Override
  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = AuthenticationMessage.begin(alloc, SASL_CONTINUE);
    buf.writeCharSequence(data, StandardCharsets.UTF_8);
    return Codec.finish(buf);
  }
}
