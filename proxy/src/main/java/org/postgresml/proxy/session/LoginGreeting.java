package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.postgresml.proxy.cancel.CancelKeys;
import org.postgresml.proxy.pool.AcceptedSettings;
import org.postgresml.proxy.protocol.backend.AuthenticationOk;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.backend.ParameterStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.protocol.backend.ReadyForQuery;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * The end of a client's login to a pool, as PostgreSQL sends it: AuthenticationOk, the run-time
 * parameters (the server's, with the client's own startup settings), the cancel key,
 * ReadyForQuery. PostgreSQL refuses a bad startup setting before that, so settings the pool has
 * not seen accepted ({@link AcceptedSettings}) are verified on a server connection first.
 */
final class LoginGreeting {

  private final ClientParameters parameters;
  /** The startup settings the client's pool has seen accepted. */
  private final AcceptedSettings accepted;
  private final CancelKeys cancelKeys;
  private final SessionEvents events;

  LoginGreeting(ClientParameters parameters, AcceptedSettings accepted, CancelKeys cancelKeys, SessionEvents events) {
    this.parameters = parameters;
    this.accepted = accepted;
    this.cancelKeys = cancelKeys;
    this.events = events;
  }

  /**
   * Answers the login and returns the client's cancel key, which maps back to {@code session}.
   *
   * @param backendPid the backend's pid where the client may take it for its own; else the key's pid is the proxy's
   * @param upstream where the backend is, for the log
   */
  BackendKeyData greet(Channel channel, ClientSession session, Map<String, String> serverParameters,
      OptionalInt backendPid, String upstream) {
    BackendKeyData key = cancelKeys.register(backendPid.isPresent() ? backendPid.getAsInt() : syntheticPid(), session);
    Map<String, String> reported = parameters.reported(serverParameters, accepted);
    session.openCache(reported);
    send(channel, reported, key);
    events.sessionStarted(upstream, backendPid.isPresent() ? backendPid.getAsInt() : null);
    return key;
  }

  /** A pid of the proxy's own, where no backend is the client's for long. */
  static int syntheticPid() {
    return ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
  }

  /** The pool has seen every setting but application_name accepted: the login may be answered without a server. */
  boolean needsNoServer() {
    return accepted.covers(parameters.verifiedBeforeGreeting());
  }

  /** Some setting is new to the pool: a round trip to a server says whether it is valid. */
  boolean needsVerifying() {
    return !accepted.covers(parameters.settings());
  }

  /** {@code verdict} gets the server's error, or empty; it runs on the connection's event loop. */
  void verify(ServerConnection connection, Consumer<Optional<ErrorResponse>> verdict) {
    SettingsVerification.run(connection, parameters, accepted, verdict);
  }

  /** All of it in one buffer and one write: a connect-per-call client pays for every syscall of its login. */
  private static void send(Channel channel, Map<String, String> reported, BackendKeyData key) {
    ByteBufAllocator alloc = channel.alloc();
    ByteBuf greeting = alloc.buffer(512);
    append(greeting, AuthenticationOk.INSTANCE.encode(alloc));
    reported.forEach((name, value) ->
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
