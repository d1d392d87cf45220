package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** EmptyQueryResponse: the answer to an empty query string. */
public final class EmptyQueryResponse {

  public static final EmptyQueryResponse INSTANCE = new EmptyQueryResponse();

  private EmptyQueryResponse() {}

  public ByteBuf encode(ByteBufAllocator alloc) {
    return Codec.finish(Codec.begin(alloc, (char) MessageType.EMPTY_QUERY_RESPONSE));
  }
}
