package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import org.postgresml.proxy.protocol.backend.AuthenticationOk;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import java.util.Map;

/**
 * The end of a client's login, as PostgreSQL sends it: AuthenticationOk, the run-time parameters
 * (the server's, with the client's own settings), the cancel key, ReadyForQuery. All of it in one
 * buffer and one write: a connect-per-call client pays for every syscall of its login.
 */
final class LoginGreeting {

  private LoginGreeting() {}

  static void send(Channel channel, Map<String, String> parameters, BackendKeyData key) {
    ByteBufAllocator alloc = channel.alloc();
    ByteBuf greeting = alloc.buffer(512);
    append(greeting, AuthenticationOk.INSTANCE.encode(alloc));
    parameters.forEach((name, value) ->
        append(greeting, new ParameterStatus(name, value).encode(alloc)));
    append(greeting, key.encode(alloc));
    append(greeting, new ReadyForQuery(TransactionStatus.IDLE).encode(alloc));
    channel.writeAndFlush(greeting, channel.voidPromise());
  }

  private static void append(ByteBuf greeting, ByteBuf message) {
    try {
      greeting.writeBytes(message);
    } finally {
      message.release();
    }
  }
}
