package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** ParameterStatus: a run-time parameter's current value (server_version, TimeZone, …). */
public record ParameterStatus(String name, String value) {

  public static ParameterStatus decode(ByteBuf body) {
    return new ParameterStatus(Codec.readCString(body), Codec.readCString(body));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.PARAMETER_STATUS);
    Codec.writeCString(buf, name);
    Codec.writeCString(buf, value);
    return Codec.finish(buf);
  }
}
