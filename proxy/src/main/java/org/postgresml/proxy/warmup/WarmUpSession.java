package org.postgresml.proxy.warmup;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.Map;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.backend.AuthenticationOk;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.DataRow;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.RowDescription;

/**
 * The warm-up's stand-in for a PostgreSQL server, logged in to as {@link WarmUpDatabase#NAME} by the
 * warm-up's pools: it greets as a server does (AuthenticationOk, the parameters a server reports,
 * the cancel key, ReadyForQuery), answers each simple Query with one row (the warm-up client's
 * {@code SELECT 1}, and the pool's own reset and settings statements alike), and ends the
 * connection on anything else (Terminate).
 */
final class WarmUpSession extends ChannelInboundHandlerAdapter {

  /** What a PostgreSQL server reports at login: the greeting encodes as many parameters as a real one. */
  private static final Map<String, String> REPORTED = Map.of("server_version", "16.0", "server_encoding", "UTF8",
      "client_encoding", "UTF8", "DateStyle", "ISO, MDY", "integer_datetimes", "on", "standard_conforming_strings",
      "on", "TimeZone", "UTC", "application_name", "", "IntervalStyle", "postgres", "is_superuser", "off");

  private final BackendKeyData key;

  WarmUpSession(BackendKeyData key) {
    this.key = key;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    Channel channel = ctx.channel();
    channel.write(AuthenticationOk.INSTANCE.encode(channel.alloc()));
    REPORTED.forEach((name, value) -> channel.write(new ParameterStatus(name, value).encode(channel.alloc())));
    channel.write(key.encode(channel.alloc()));
    ready(channel);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    byte type = FrameDecoder.type(frame);
    frame.release();
    Channel channel = ctx.channel();
    if (type != MessageType.QUERY) {
      channel.close();
      return;
    }
    channel.write(new RowDescription(List.of("?column?")).encode(channel.alloc()));
    channel.write(new DataRow(List.of("1")).encode(channel.alloc()));
    channel.write(new CommandComplete("SELECT 1").encode(channel.alloc()));
    ready(channel);
  }

  private static void ready(Channel channel) {
    channel.writeAndFlush(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(channel.alloc()));
  }
}
