package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** SASLResponse: a later SASL message from the client (the client-final-message for SCRAM). */
public record SaslResponse(String data) {

  public static SaslResponse decode(ByteBuf body) {
    return new SaslResponse(body.toString(StandardCharsets.UTF_8));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.PASSWORD_MESSAGE);
    buf.writeCharSequence(data, StandardCharsets.UTF_8);
    return Codec.finish(buf);
  }
}
