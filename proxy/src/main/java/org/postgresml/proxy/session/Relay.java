package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.Queue;
import org.postgresml.proxy.async.EventLoops;
import org.postgresml.proxy.cache.SessionCache;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.prepared.PrepareOnlyBatch;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;
import org.postgresml.proxy.upstream.ServerListener;

/**
 * A logged-in client's traffic with the server connections it gets, the backend half of Netty's
 * proxy example grown by pooling: client frames go to the connection the {@link ServerLease}
 * holds, the connection's frames come back through {@link ServerListener} and hop onto the
 * client's event loop (a read's frames in one hop). Each frame is read once here, either way: by the pool mode's part
 * ({@link Pooling}: statement renaming), by the {@link Conversation} (what is owed, which tells the
 * traffic clock of every answer) and by the byte meters. The session decides what its state allows.
 */
final class Relay implements ServerListener {

  private final ClientSession session;
  private final Channel client;
  private final ProxyMetrics metrics;
  private final Pooling pooling;
  private final ServerLease lease;
  private final TrafficClock clock;
  /** The settings the client's startup packet asked for, applied to every server connection it gets. */
  private final ClientParameters parameters;
  /** What the server connection held still owes this client: whether it may go to someone else. */
  private final Conversation conversation;
  /** The answer cache's side of this session: it records the answers to the calls it may serve later. */
  private SessionCache cache = SessionCache.NONE;
  /** Whether a client frame went to the server since the last flush (a read the cache answered sent none). */
  private boolean unflushed;

  Relay(ClientSession session, Channel client, ProxyMetrics metrics, Pooling pooling, ServerLease lease,
      TrafficClock clock, ClientParameters parameters) {
    this.session = session;
    this.client = client;
    this.metrics = metrics;
    this.pooling = pooling;
    this.lease = lease;
    this.clock = clock;
    this.parameters = parameters;
    this.conversation = new Conversation(clock);
  }

  Pooling pooling() {
    return pooling;
  }

  /** From the greeting on, the cache reads every frame too. */
  void answersTo(SessionCache sessionCache) {
    cache = sessionCache;
  }

  /** The server connection held now, if any (SHOW SERVERS reads it from another thread). */
  ServerConnection held() {
    return lease.held();
  }

  /** Where connections come from, for messages (host:port, never credentials). */
  String upstream() {
    return lease.upstream();
  }

  Future<ServerConnection> acquire(StartupMessage startup) {
    return lease.acquire(startup);
  }

  /** Holds the connection: its frames come here, the client's startup settings go ahead of the client's. */
  void attach(ServerConnection connection) {
    if (!pooling.releasesBetweenTransactions()) {
      // Held across transactions (session mode), it may keep the client's session state: it owes
      // its next holder a reset, whatever mode its pool is in by then. Transaction mode resets none.
      connection.heldForASession();
    }
    conversation.reset(pooling.statementsOn(connection));
    String reset = cache.resetBeforeUse(connection);
    lease.attach(connection, this, reset + parameters.applyTo(connection));
  }

  /**
   * Writes one client frame to the held connection (ownership passes). A frame that does not decode or
   * is past the client's limits throws, released, with nothing sent.
   */
  void toServer(ByteBuf frame) {
    cache.beforeRelay(frame, lease.held());
    metrics.bytesFromClient(frame.readableBytes());
    clock.clientSent(frame.readableBytes());
    unflushed = true;
    pooling.toServer(frame, lease.held(), conversation);
  }

  /** A client frame between transactions (no connection held); see {@link Pooling#betweenTransactions}. */
  PrepareOnlyBatch.Verdict betweenTransactions(ByteBuf frame, Queue<ByteBuf> toServer) {
    return pooling.betweenTransactions(frame, client, toServer);
  }

  /**
   * The end of one read from the client: what it sent goes out. Nothing sent, nothing flushed: a
   * flush of a connection on another event loop wakes that loop, only to find nothing to write.
   */
  void flushToServer() {
    if (unflushed) {
      unflushed = false;
      lease.held().flush();
    }
  }

  boolean isServerWritable() {
    return lease.held().isWritable();
  }

  /** Backpressure: the client reads slower than the upstream sends, or caught up. */
  void clientWritable(boolean writable) {
    lease.held().setAutoRead(writable);
  }

  @Override
  public EventExecutor executor() {
    return client.eventLoop();
  }

  /** A read's frames from a connection on another loop: one hop, then the flush. */
  @Override
  public void onServerFrames(List<ByteBuf> frames) {
    client.eventLoop().execute(() -> {
      for (ByteBuf frame : frames) {
        onServerFrame(frame);
      }
      client.flush();
    });
  }

  @Override
  public void onServerFrame(ByteBuf frame) {
    if (!client.eventLoop().inEventLoop()) {
      client.eventLoop().execute(() -> onServerFrame(frame));
      return;
    }
    if (!session.serverAttached()) {
      frame.release();
      return;
    }
    // The statements first (an error at a Bind is the oldest unanswered one's, before the
    // conversation counts it skipped); every frame counts, also replies to the proxy's own messages.
    boolean forClient = pooling.toClient(frame, lease.held());
    boolean answered = conversation.serverSent(frame);
    if (!forClient) {
      frame.release(); // the reply to the proxy's own Parse or Close
      return;
    }
    if (answered) {
      cache.answered(conversation.status(), lease.held());
    } else {
      cache.fromServer(frame);
    }
    metrics.bytesToClient(frame.readableBytes());
    clock.serverSent(frame.readableBytes());
    client.write(frame, client.voidPromise());
    if (answered && conversation.isReusable()) {
      session.transactionEnded();
    }
  }

  /**
   * The held connection owes nothing and holds no transaction: true when the pool mode gives it back
   * now (transaction mode), having flushed what it sent to the client, whose reads go on.
   */
  boolean releaseBetweenTransactions() {
    if (!pooling.releasesBetweenTransactions()) {
      return false;
    }
    // Flush now: the read-complete that would flush comes from the server connection, which is
    // no longer this session's once released (and on a shared loop is detached at once).
    client.flush();
    lease.giveBack();
    return true;
  }

  /** The login used this connection only for its parameters: true when the pool mode gives it back now. */
  boolean releaseAfterLogin(ServerConnection connection) {
    if (!pooling.releasesBetweenTransactions()) {
      return false;
    }
    lease.giveBackUnheld(connection, true);
    return true;
  }

  @Override
  public void onServerReadComplete() {
    EventLoops.run(client.eventLoop(), client::flush);
  }

  @Override
  public void onServerWritabilityChanged(boolean writable) {
    EventLoops.run(client.eventLoop(), () -> {
      if (session.isRelaying()) {
        client.config().setAutoRead(writable);
      }
    });
  }

  @Override
  public void onServerClosed() {
    EventLoops.run(client.eventLoop(), () -> session.serverClosed(lease.held()));
  }

  /** Nothing is owed on the held connection (or none is held) and no transaction is open. */
  boolean isReusable() {
    return conversation.isReusable();
  }

  /** Between transactions with nothing of the client's held back. */
  boolean holdsNothing() {
    return pooling.holdsNothing();
  }

  /** A CancelRequest for this client: forwarded only while something it sent is unanswered. */
  boolean cancelRunningQuery() {
    if (lease.held() == null || !conversation.isBusy()) {
      return false;
    }
    lease.cancel();
    return true;
  }

  /** The session ended: the connection goes back (reused only if it owes nothing), what is held is released. */
  void end() {
    pooling.close();
    lease.end(conversation.isReusable());
  }
}
