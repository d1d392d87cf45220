package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** DataRow in text format; a null value is SQL NULL. */
public record DataRow(List<String> values) {

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.DATA_ROW);
    buf.writeShort(values.size());
    for (String value : values) {
      if (value == null) {
        buf.writeInt(-1);
      } else {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        buf.writeInt(bytes.length).writeBytes(bytes);
      }
    }
    return Codec.finish(buf);
  }
}
