package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** SASLInitialResponse: the chosen mechanism and the client-first-message. */
public record SaslInitialResponse(String mechanism, String data) {

  public static SaslInitialResponse decode(ByteBuf body) {
    String mechanism = Codec.readCString(body);
    int length = Codec.readInt(body);
    String data = length < 0 ? "" : new String(Codec.readBytes(body, length), StandardCharsets.UTF_8);
    return new SaslInitialResponse(mechanism, data);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.PASSWORD_MESSAGE);
    Codec.writeCString(buf, mechanism);
    byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
    buf.writeInt(bytes.length).writeBytes(bytes);
    return Codec.finish(buf);
  }
}
