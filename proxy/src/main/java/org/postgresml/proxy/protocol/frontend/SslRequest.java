package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** SSLRequest: asks the server to switch to TLS; answered by one byte, 'S' or 'N'. */
public final class SslRequest {

  public static final int CODE = 80877103;
  public static final SslRequest INSTANCE = new SslRequest();

  private SslRequest() {}

  public ByteBuf encode(ByteBufAllocator alloc) {
    return alloc.buffer(8).writeInt(8).writeInt(CODE);
  }
}
