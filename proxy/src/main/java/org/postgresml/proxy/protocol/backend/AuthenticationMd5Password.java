package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;

/** AuthenticationMD5Password: the server wants md5(md5(password + user) + salt). */
public record AuthenticationMd5Password(byte[] salt) implements AuthenticationMessage {

  @Override
  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = AuthenticationMessage.begin(alloc, MD5_PASSWORD);
    buf.writeBytes(salt);
    return Codec.finish(buf);
  }
}
