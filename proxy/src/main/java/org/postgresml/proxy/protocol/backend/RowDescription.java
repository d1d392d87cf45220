package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** RowDescription for text columns (type {@code text}, text format): what the admin console returns. */
public record RowDescription(List<String> columns) {

  /** OID of PostgreSQL's {@code text} type. */
  private static final int TEXT_OID = 25;

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.ROW_DESCRIPTION);
    buf.writeShort(columns.size());
    for (String column : columns) {
      Codec.writeCString(buf, column);
      buf.writeInt(0); // table OID: none
      buf.writeShort(0); // column number: none
      buf.writeInt(TEXT_OID);
      buf.writeShort(-1); // variable length
      buf.writeInt(-1); // no type modifier
      buf.writeShort(0); // text format
    }
    return Codec.finish(buf);
  }
}
