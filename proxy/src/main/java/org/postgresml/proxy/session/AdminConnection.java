package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.List;
import java.util.Map;
import org.postgresml.proxy.admin.AdminCommandException;
import org.postgresml.proxy.admin.AdminConsole;
import org.postgresml.proxy.admin.AdminTable;
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
import org.postgresml.proxy.protocol.frontend.Query;

/**
 * A client logged in to the admin console: simple queries in, PgBouncer-style tables out. Like
 * PgBouncer's console it speaks only the simple query protocol.
 */
final class AdminConnection {

  /** What psql and drivers expect to hear at login. */
  private static final Map<String, String> REPORTED = Map.of("server_version", "16.0 (pgml-proxy "
      + ProxyVersion.text() + ")", "server_encoding", "UTF8", "client_encoding", "UTF8", "DateStyle", "ISO, MDY",
      "integer_datetimes", "on", "standard_conforming_strings", "on", "TimeZone", "UTC",
      "application_name", "");

  private final Channel channel;
  private final AdminConsole console;

  AdminConnection(Channel channel, AdminConsole console) {
    this.channel = channel;
    this.console = console;
  }

  void greet(BackendKeyData key) {
    channel.write(AuthenticationOk.INSTANCE.encode(channel.alloc()));
    REPORTED.forEach((name, value) -> channel.write(new ParameterStatus(name, value).encode(channel.alloc())));
    channel.write(key.encode(channel.alloc()));
    ready();
  }

  void onFrame(ByteBuf frame) {
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
    console.execute(sql).whenComplete((tables, failure) -> channel.eventLoop().execute(() -> {
      if (failure != null) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause() : failure;
        String message = cause instanceof AdminCommandException || cause.getMessage() != null ? cause.getMessage()
            : "admin command failed";
        channel.write(ErrorResponse.error(cause instanceof AdminCommandException ? SqlState.SYNTAX_ERROR
            : SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, message).encode(channel.alloc()));
      } else {
        tables.forEach(this::write);
      }
      ready();
    }));
  }

  private void write(AdminTable table) {
    if (table.hasRows()) {
      channel.write(new org.postgresml.proxy.protocol.backend.RowDescription(table.columns()).encode(channel.alloc()));
      for (List<String> row : table.rows()) {
        channel.write(new DataRow(row).encode(channel.alloc()));
      }
      channel.write(new CommandComplete(table.commandTag()).encode(channel.alloc()));
    } else {
      channel.write(new CommandComplete(table.commandTag()).encode(channel.alloc()));
    }
  }

  private void ready() {
    channel.writeAndFlush(new ReadyForQuery(ReadyForQuery.TransactionStatus.IDLE).encode(channel.alloc()))
        .addListener((ChannelFutureListener) done -> channel.config().setAutoRead(true));
  }
}
