package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.postgresml.proxy.async.EventLoops;
import org.postgresml.proxy.prepared.ServerStatements;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ErrorResponse;
import org.postgresml.proxy.protocol.frontend.Query;
import org.postgresml.proxy.protocol.frontend.Terminate;

/**
 * One authenticated connection to the upstream, with what the server told it at startup. It
 * outlives clients once a pool holds it: a client session attaches, relays, and detaches. Clients
 * may live on other event loops; attach, detach and the proxy's own queries run on this
 * connection's loop, in the order they were asked for.
 */
public final class ServerConnection {

  /** Prepared statements a pool keeps per server connection in transaction mode. */
  private static final int MAX_PREPARED_STATEMENTS = 1000;


  private final Channel channel;
  private final String upstreamAddress;
  /** The upstream's own key: what a CancelRequest must carry to reach this backend. */
  private final BackendKeyData backendKey;
  /** Run-time parameters as last reported by the server (replayed to each client that attaches). */
  private final Map<String, String> parameters;
  /** The session defaults the server started with: what {@code DISCARD ALL} returns to. */
  private final Map<String, String> startupParameters;
  /** Values the proxy set for its clients since the last reset (only the holder touches it). */
  private final Map<String, String> clientSettings = new HashMap<>();
  private final ServerRelayHandler relay;
  /** Transaction mode: what this connection has prepared under proxy names (only the holder touches it). */
  private ServerStatements statements;
  private volatile boolean broken;
  /**
   * A client sent it statements the answer cache cannot account for (a SET among them, maybe): its
   * session settings may differ from what its clients asked for, so its answers fill no cache.
   */
  private volatile boolean settingsUnknown;
  /** The server sent a FATAL (or PANIC) error: its own explanation of why the connection ends. */
  private volatile boolean saidGoodbye;
  /** Marked at a session-mode attach (client loop), read at release (connection loop). */
  private volatile boolean needsReset;

  ServerConnection(Channel channel, String upstreamAddress, BackendKeyData backendKey,
                   Map<String, String> parameters, ServerRelayHandler relay) {
    this.channel = channel;
    this.upstreamAddress = upstreamAddress;
    this.backendKey = backendKey;
    this.parameters = new ConcurrentHashMap<>(parameters);
    this.startupParameters = Map.copyOf(parameters);
    this.relay = relay;
    relay.bind(this);
  }

  /**
   * Routes this connection's backend messages to a client and starts reading. From another loop it
   * waits, without waking this one, for what the holder sends next (the client's frames and their
   * flush) or for the connection's release, both of which wake the loop and run after it.
   */
  public void attach(ServerListener listener) {
    EventLoops.runLazily(channel.eventLoop(), () -> {
      relay.attach(listener);
      channel.config().setAutoRead(true);
    });
  }

  /**
   * Stops routing; what arrives until the next attach is held back (the pool reads it again). From
   * another loop it waits without waking this one for the release that always follows it.
   */
  public void detach() {
    EventLoops.runLazily(channel.eventLoop(), () -> relay.attach(null));
  }

  /**
   * Sends a query of the proxy's own ahead of whatever the next holder sends; its replies up to
   * ReadyForQuery are consumed here, never relayed. {@code done} gets the server's error, if any.
   */
  public void runInternal(String sql, Consumer<Optional<ErrorResponse>> done) {
    onLoop(() -> {
      relay.expectInternal(done);
      channel.writeAndFlush(new Query(sql).encode(channel.alloc()), channel.voidPromise());
      channel.config().setAutoRead(true);
    });
  }

  /** False once the socket closed or the connection was marked broken. */
  public boolean isUsable() {
    return channel.isActive() && !broken;
  }

  /**
   * Whether the server explained its end with a FATAL error of its own (shutdown, pg_terminate_backend),
   * rather than vanishing (a killed backend, a dropped link).
   */
  public boolean sentFatal() {
    return saidGoodbye;
  }

  /** What a client is told when this connection ended without the server's own FATAL. */
  public String lostMessage() {
    return "connection to upstream " + upstreamAddress + " lost: the server closed the connection unexpectedly";
  }

  void fatalReceived() {
    saidGoodbye = true;
  }

  /**
   * A session-mode client held it, so it owes its next holder a reset when released, whatever
   * mode the pool is in by then (a reload may have changed it while the client held it).
   */
  public void heldForASession() {
    needsReset = true;
  }

  /** Whether a session-mode client held it since its last reset; the answer clears the mark. */
  public boolean takeNeedsReset() {
    boolean needed = needsReset;
    needsReset = false;
    return needed;
  }

  /** Never hand this connection out again (a reset failed, a protocol state is unknown). */
  public void markBroken() {
    broken = true;
  }

  /** The answer cache cannot vouch for this connection's settings (see {@link #settingsUnknown}). */
  public void markSettingsUnknown() {
    settingsUnknown = true;
  }

  /** A DISCARD ALL was queued ahead of everything its next holder sends: its settings are the defaults again. */
  public void settingsReset() {
    settingsUnknown = false;
  }

  public boolean settingsUnknown() {
    return settingsUnknown;
  }

  /** The session defaults the server reported at login. */
  public Map<String, String> startupParameters() {
    return startupParameters;
  }

  /** Client settings (application_name, TimeZone, …) the proxy applied since the last reset. */
  public Map<String, String> clientSettings() {
    return clientSettings;
  }

  /** The prepared statements of this connection, for transaction mode. */
  public ServerStatements statements() {
    if (statements == null) {
      statements = new ServerStatements(MAX_PREPARED_STATEMENTS);
    }
    return statements;
  }

  /** Records a value the proxy set on the server, before the server's own report of it arrives. */
  public void expectParameter(String name, String value) {
    parameters.put(name, value);
  }

  private void onLoop(Runnable task) {
    EventLoops.run(channel.eventLoop(), task);
  }

  /** Queues a frontend frame (ownership passes to the channel). */
  public void write(ByteBuf frame) {
    channel.write(frame, channel.voidPromise());
  }

  public void flush() {
    channel.flush();
  }

  public boolean isWritable() {
    return channel.isWritable();
  }

  /** Backpressure: stop or resume reading from the upstream. */
  public void setAutoRead(boolean autoRead) {
    channel.config().setAutoRead(autoRead);
  }

  /** Says goodbye to the server (Terminate), then closes. */
  public void close() {
    if (channel.isActive()) {
      channel.writeAndFlush(Terminate.INSTANCE.encode(channel.alloc())).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  public BackendKeyData backendKey() {
    return backendKey;
  }

  public Map<String, String> parameters() {
    return Map.copyOf(parameters);
  }


  public String upstreamAddress() {
    return upstreamAddress;
  }

  public Channel channel() {
    return channel;
  }

  void parameterChanged(String name, String value) {
    parameters.put(name, value);
  }

}
