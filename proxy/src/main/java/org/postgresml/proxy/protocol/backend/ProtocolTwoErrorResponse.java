package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import org.postgresml.proxy.protocol.MessageType;

/**
 * An error in protocol 2.0's form ('E', the text, a NUL; no length, no fields): what PostgreSQL
 * sends a client that asked for protocol 1 or 2, since it answers in the client's own version.
 */
public record ProtocolTwoErrorResponse(String message) {

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = alloc.buffer();
    buf.writeByte(MessageType.ERROR_RESPONSE);
    buf.writeCharSequence("FATAL:  " + message + "\n", StandardCharsets.UTF_8);
    buf.writeByte(0);
    return buf;
  }
}
