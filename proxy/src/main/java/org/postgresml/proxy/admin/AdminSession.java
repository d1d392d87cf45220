package org.postgresml.proxy.admin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.List;
import java.util.Map;
import org.postgresml.proxy.async.Failures;
import org.postgresml.proxy.config.ProxyVersion;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.SqlState;
import org.postgresml.proxy.protocol.backend.AuthenticationOk;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.CommandComplete;
import org.postgresml.proxy.protocol.backend.DataRow;
import org.postgresml.proxy.protocol.backend.EmptyQueryResponse;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.RowDescription;
import org.postgresml.proxy.protocol.frontend.Query;

/**
 * A client logged in to the admin console: simple queries in, PgBouncer-style tables out. Like
 * PgBouncer's console it speaks only the simple query protocol. The client session adds it to the
 * pipeline, ahead of itself, when a login to {@link AdminConsole#DATABASE} succeeds: from then on
 * every frame the client sends ends here, and the session keeps only the connection's lifecycle.
 */
final class AdminSession extends ChannelInboundHandlerAdapter {

  /** What psql and drivers expect to hear at login. */
  private static final Map<String, String> REPORTED = Map.of("server_version", "16.0 (pgml-proxy "
      + ProxyVersion.text() + ")", "server_encoding", "UTF8", "client_encoding", "UTF8", "DateStyle", "ISO, MDY",
      "integer_datetimes", "on", "standard_conforming_strings", "on", "TimeZone", "UTC",
      "application_name", "");

  private final AdminConsole console;
  /** The key the client got at login (cancelling does nothing here; clients expect one). */
  private final BackendKeyData key;
  private Channel channel;

  AdminSession(AdminConsole console, BackendKeyData key) {
    this.console = console;
    this.key = key;
  }

  /** Added once the login succeeded: the rest of the login's answer. */
  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    channel = ctx.channel();
    channel.write(AuthenticationOk.INSTANCE.encode(channel.alloc()));
    REPORTED.forEach((name, value) -> channel.write(new ParameterStatus(name, value).encode(channel.alloc())));
    channel.write(key.encode(channel.alloc()));
    ready();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    ByteBuf frame = (ByteBuf) msg;
    try {
      byte type = FrameDecoder.type(frame);
      if (type == MessageType.TERMINATE) {
        channel.close();
      } else if (type == MessageType.QUERY) {
        run(Query.decode(Codec.body(frame)).sql());
      } else if (type == MessageType.SYNC) {
        ready();
      } else if (type != MessageType.FLUSH) {
        channel.write(ErrorResponse.error(SqlState.FEATURE_NOT_SUPPORTED,
            "the admin console speaks only the simple query protocol").encode(channel.alloc()));
      }
    } finally {
      frame.release();
    }
  }

  private void run(String sql) {
    channel.config().setAutoRead(false); // one command at a time, as PostgreSQL does
    if (sql.isBlank()) {
      channel.write(EmptyQueryResponse.INSTANCE.encode(channel.alloc()));
      ready();
      return;
    }
    console.reply(sql).whenComplete((reply, failure) -> channel.eventLoop().execute(() -> {
      if (failure != null) { // the console puts failures in the reply; this is a bug of its own
        channel.write(error(failure).encode(channel.alloc()));
        ready();
        return;
      }
      reply.tables().forEach(this::write);
      reply.failure().ifPresent(cause -> channel.write(error(cause).encode(channel.alloc())));
      ready(reply.afterSent());
    }));
  }

  private static ErrorResponse error(Throwable failure) {
    Throwable cause = Failures.cause(failure);
    String message = cause instanceof AdminCommandException || cause.getMessage() != null ? cause.getMessage()
        : "admin command failed";
    return ErrorResponse.error(cause instanceof AdminCommandException ? SqlState.SYNTAX_ERROR
        : SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, message);
  }

  private void write(AdminTable table) {
    if (table.hasRows()) {
      channel.write(new RowDescription(table.columns()).encode(channel.alloc()));
      for (List<String> row : table.rows()) {
        channel.write(new DataRow(row).encode(channel.alloc()));
      }
      channel.write(new CommandComplete(table.commandTag()).encode(channel.alloc()));
    } else {
      channel.write(new CommandComplete(table.commandTag()).encode(channel.alloc()));
    }
  }

  private void ready() {
    ready(List.of());
  }

  /** ReadyForQuery; once it is on the wire, what the command left for after its reply (SHUTDOWN). */
  private void ready(List<Runnable> afterSent) {
    channel.writeAndFlush(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(channel.alloc()))
        .addListener((ChannelFutureListener) done -> {
          channel.config().setAutoRead(true);
          afterSent.forEach(Runnable::run);
        });
  }
}
