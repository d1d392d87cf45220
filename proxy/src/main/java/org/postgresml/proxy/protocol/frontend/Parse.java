package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;

/** Parse: prepares a statement (named, or the unnamed one when {@code name} is empty). */
public record Parse(String name, String query, int[] parameterTypes) {

  public static Parse decode(ByteBuf body) {
    String name = Codec.readCString(body);
    String query = Codec.readCString(body);
    if (body.readableBytes() < 2) {
      throw new ProtocolException("Parse without parameter count");
    }
    int count = body.readUnsignedShort();
    if (body.readableBytes() < count * 4) {
      throw new ProtocolException("Parse with " + count + " parameter types but fewer bytes");
    }
    int[] types = new int[count];
    for (int i = 0; i < count; i++) {
      types[i] = body.readInt();
    }
    return new Parse(name, query, types);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.PARSE);
    Codec.writeCString(buf, name);
    Codec.writeCString(buf, query);
    buf.writeShort(parameterTypes.length);
    for (int type : parameterTypes) {
      buf.writeInt(type);
    }
    return Codec.finish(buf);
  }

  /** The same statement under another name. */
  public Parse renamed(String newName) {
    return new Parse(newName, query, parameterTypes);
  }
}
