package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;

/** AuthenticationCleartextPassword: the server wants the password itself (the proxy sends it only over TLS). */
public final class AuthenticationCleartextPassword implements AuthenticationMessage {

  public static final AuthenticationCleartextPassword INSTANCE = new AuthenticationCleartextPassword();

  private AuthenticationCleartextPassword() {}

  @Override
  public ByteBuf encode(ByteBufAllocator alloc) {
    return Codec.finish(AuthenticationMessage.begin(alloc, CLEARTEXT_PASSWORD));
  }
}
