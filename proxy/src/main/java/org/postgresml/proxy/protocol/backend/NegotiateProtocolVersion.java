package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/**
 * NegotiateProtocolVersion: the newest protocol version the server speaks that is not newer than
 * the client's, and the {@code _pq_.} protocol options of the startup packet it does not know.
 * Sent before the authentication request; the login goes on.
 */
public record NegotiateProtocolVersion(int newestMinorVersion, List<String> unrecognizedOptions) {

  public NegotiateProtocolVersion {
    unrecognizedOptions = List.copyOf(unrecognizedOptions);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.NEGOTIATE_PROTOCOL_VERSION);
    buf.writeInt(newestMinorVersion);
    buf.writeInt(unrecognizedOptions.size());
    unrecognizedOptions.forEach(option -> Codec.writeCString(buf, option));
    return Codec.finish(buf);
  }
}
