package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;

/** AuthenticationOk: the client is in. */
public final class AuthenticationOk implements AuthenticationMessage {

  public static final AuthenticationOk INSTANCE = new AuthenticationOk();

  private AuthenticationOk() {}

  @Override
  public ByteBuf encode(ByteBufAllocator alloc) {
    return Codec.finish(AuthenticationMessage.begin(alloc, OK));
  }
}
