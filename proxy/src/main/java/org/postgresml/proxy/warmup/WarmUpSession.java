package org.postgresml.proxy.warmup;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.Map;
import org.postgresml.proxy.protocol.backend.AuthenticationOk;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;

/**
 * One warm-up login's answer, as a pool's greeting is written (AuthenticationOk, the parameters a
 * server reports, the cancel key, ReadyForQuery); whatever the warm-up client sends next (its
 * Terminate) ends the connection.
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
    channel.writeAndFlush(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(channel.alloc()));
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ((ByteBuf) msg).release();
    ctx.channel().close();
  }
}
