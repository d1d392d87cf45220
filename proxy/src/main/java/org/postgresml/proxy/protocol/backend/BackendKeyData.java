package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** BackendKeyData: the process id and secret key a client needs for a CancelRequest. */
public record BackendKeyData(int processId, int secretKey) {

  public static BackendKeyData decode(ByteBuf body) {
    return new BackendKeyData(Codec.readInt(body), Codec.readInt(body));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.BACKEND_KEY_DATA);
    buf.writeInt(processId).writeInt(secretKey);
    return Codec.finish(buf);
  }

  @Override
  public String toString() {
    return "BackendKeyData[pid=" + processId + "]";
  }
}
