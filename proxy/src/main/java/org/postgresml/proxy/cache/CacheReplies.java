package org.postgresml.proxy.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import java.util.List;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.DataRow;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.RowDescription;

/**
 * What the cache writes to a client in the server's place, each reply ending as the server's would,
 * with ReadyForQuery idle (a cached call is only ever answered outside a transaction block): a
 * stored answer, the session switch's SET, SHOW or refusal, and the 57014 of a wait that ended
 * without an answer. Written and flushed at once: the client is waiting for nothing else.
 */
final class CacheReplies {

  private static final byte[] READY_IDLE = {MessageType.READY_FOR_QUERY, 0, 0, 0, 5, 'I'};

  private CacheReplies() {}

  /**
   * A stored answer (or the failure it was), as the server sent it. Copied once into one buffer of
   * the channel's allocator (direct, as the socket wants it): a wrapped heap array would be merged
   * and copied again on its way out.
   */
  static void replay(Channel channel, byte[] answer) {
    ByteBuf reply = channel.alloc().ioBuffer(answer.length + READY_IDLE.length);
    reply.writeBytes(answer).writeBytes(READY_IDLE);
    channel.writeAndFlush(reply, channel.voidPromise());
  }

  /** {@code SET pgml_proxy.cache} or {@code SHOW pgml_proxy.cache}: the reply PostgreSQL gives a setting. */
  static void toSwitch(Channel channel, CacheSwitch.Said said, boolean switchedOn) {
    ByteBuf reply;
    if (said == CacheSwitch.Said.INVALID) {
      reply = ErrorResponse.error(SqlState.INVALID_PARAMETER_VALUE, "parameter \"" + CacheSwitch.NAME
          + "\" requires a Boolean value").encode(channel.alloc());
    } else if (said == CacheSwitch.Said.SHOW) {
      // As PostgreSQL shows a setting: one text column named after it, one row, tag SHOW.
      channel.write(new RowDescription(List.of(CacheSwitch.NAME)).encode(channel.alloc()), channel.voidPromise());
      channel.write(new DataRow(List.of(switchedOn ? "on" : "off")).encode(channel.alloc()), channel.voidPromise());
      reply = new CommandComplete("SHOW").encode(channel.alloc());
    } else {
      reply = new CommandComplete("SET").encode(channel.alloc());
    }
    channel.write(reply, channel.voidPromise());
    channel.writeAndFlush(Unpooled.wrappedBuffer(READY_IDLE), channel.voidPromise());
  }

  /** A wait for a call in flight ended without its answer (a cancel, the time limit): 57014, then ReadyForQuery. */
  static void canceled(Channel channel, String message) {
    channel.write(ErrorResponse.error(SqlState.QUERY_CANCELED, message).encode(channel.alloc()), channel.voidPromise());
    channel.writeAndFlush(Unpooled.wrappedBuffer(READY_IDLE), channel.voidPromise());
  }
}
