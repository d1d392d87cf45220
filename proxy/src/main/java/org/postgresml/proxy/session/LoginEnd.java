package org.postgresml.proxy.session;

import io.netty.channel.Channel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * What follows a proved password: a connection slot, then either the proxy's own database (its
 * handler takes the client over) or a pool, with the client's {@link Relay} to it and the greeting,
 * answered from the pool's cached server parameters or from the first server connection's (startup
 * settings new to the pool verified there first). The session makes the state changes; this says which.
 */
final class LoginEnd {

  /** Where a logged-in client goes. */
  enum Joined {
    /** No connection slot or no pool for it: {@link #refusal()} says why (53300). */
    REFUSED,
    /** The proxy's own database: its handler serves the client from now on. */
    SERVED_LOCALLY,
    /** Greeted from the pool's cached server parameters; no server connection is held. */
    GREETED,
    /** A server connection must answer the login. */
    NEEDS_SERVER
  }

  private final SessionContext context;
  private final SessionEvents events;
  private String refusal;
  private Relay relay;
  private LoginGreeting greeting;
  /** The pool's cached server parameters, when it has logged in before and the pool mode greets from them. */
  private Optional<Map<String, String>> serverDefaults = Optional.empty();

  LoginEnd(SessionContext context, SessionEvents events) {
    this.context = context;
    this.events = events;
  }

  /** @param settingsRefused told, on the client's loop, when a server refuses a startup setting sent ahead of the client's messages */
  Joined join(ClientSession session, Channel channel, StartupMessage startup, ClientParameters parameters,
      Consumer<ErrorResponse> settingsRefused) {
    // Logged in: the client may send messages as long as the operator allows, no longer the login's few bytes.
    ProxySettings.Limits limits = context.settings().limits();
    FrameDecoder frames = channel.pipeline().get(FrameDecoder.class);
    if (frames != null) {
      frames.limit(limits.maxMessageSize());
    }
    boolean local = context.localDatabase().serves(startup.database());
    Optional<String> full = context.connectionLimits().loggedIn(session, local);
    if (full.isEmpty() && !local) {
      full = context.servers().admit(startup);
    }
    if (full.isPresent()) {
      refusal = full.get();
      return Joined.REFUSED;
    }
    if (local) {
      return Joined.SERVED_LOCALLY;
    }
    TrafficClock clock = new TrafficClock(context.servers().meters(startup));
    relay = new Relay(session, channel, context.metrics(),
        Pooling.of(context.servers().mode(), context.settings().pool().sessionServerAt(), context.servers(), startup,
            limits, channel.alloc()),
        new ServerLease(context.servers(), channel, settingsRefused), clock, parameters);
    greeting = new LoginGreeting(parameters, context.servers().acceptedSettings(startup), context.cancelKeys(),
        events);
    // A pool that has logged in before (and seen every setting but application_name accepted)
    // may answer the login from what its server reported, without a connection.
    serverDefaults = relay.pooling().greetsFromPool() ? context.servers().serverDefaults(startup) : Optional.empty();
    return serverDefaults.isPresent() && greeting.needsNoServer() ? Joined.GREETED : Joined.NEEDS_SERVER;
  }

  String refusal() {
    return refusal;
  }

  /** The client's traffic with its pool (after {@link Joined#GREETED} or {@link Joined#NEEDS_SERVER}). */
  Relay relay() {
    return relay;
  }

  /** Hands the client to the proxy's own database's handler, ahead of the session's; returns its cancel key. */
  BackendKeyData serveLocally(Channel channel, ClientSession session) {
    BackendKeyData key = context.cancelKeys().register(LoginGreeting.syntheticPid(), session);
    channel.pipeline().addBefore(channel.pipeline().context(session).name(), "local",
        context.localDatabase().serve(key));
    return key;
  }

  /** Some startup setting is new to the pool: {@link #verify} it on the first connection before the greeting. */
  boolean needsVerifying() {
    return greeting.needsVerifying();
  }

  /** {@code verdict} gets the server's error, or empty; on the connection's event loop. */
  void verify(ServerConnection connection, Consumer<Optional<ErrorResponse>> verdict) {
    greeting.verify(connection, verdict);
  }

  /**
   * Answers the login with what {@code connection}'s server reported, or (null) with the pool's
   * cached parameters; returns the client's cancel key. Its pid is the backend's where the pool
   * mode lets the client have it.
   */
  BackendKeyData greet(Channel channel, ClientSession session, ServerConnection connection) {
    if (connection == null) {
      return greeting.greet(channel, session, serverDefaults.orElseThrow(), OptionalInt.empty(), relay.upstream());
    }
    OptionalInt backendPid = relay.pooling().backendPid(connection);
    return greeting.greet(channel, session, connection.startupParameters(), backendPid,
        backendPid.isPresent() ? connection.upstreamAddress() : relay.upstream());
  }
}
