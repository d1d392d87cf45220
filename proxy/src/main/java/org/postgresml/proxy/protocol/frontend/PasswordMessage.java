package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** PasswordMessage: a cleartext password or an md5 hash, as a C string. */
public record PasswordMessage(String password) {

  public static PasswordMessage decode(ByteBuf body) {
    return new PasswordMessage(Codec.readCString(body));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.PASSWORD_MESSAGE);
    Codec.writeCString(buf, password);
    return Codec.finish(buf);
  }

  @Override
  public String toString() {
    return "PasswordMessage[***]";
  }
}
