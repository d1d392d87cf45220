package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;

/** ReadyForQuery: the server waits for the next command; carries the transaction status. */
public record ReadyForQuery(TransactionStatus status) {

  public static ReadyForQuery decode(ByteBuf body) {
    return new ReadyForQuery(TransactionStatus.of(Codec.readByte(body)));
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.READY_FOR_QUERY);
    buf.writeByte(status.code);
    return Codec.finish(buf);
  }

  /** Where the session stands: the boundary a pool in transaction mode releases at. */
  public enum TransactionStatus {
    IDLE('I'),
    IN_TRANSACTION('T'),
    FAILED_TRANSACTION('E');

    private final byte code;

    TransactionStatus(char code) {
      this.code = (byte) code;
    }

    public static TransactionStatus of(byte code) {
      for (TransactionStatus status : values()) {
        if (status.code == code) {
          return status;
        }
      }
      throw new ProtocolException("unknown transaction status " + (char) code);
    }
  }
}
