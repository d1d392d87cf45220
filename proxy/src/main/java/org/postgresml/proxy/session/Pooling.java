package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.util.OptionalInt;
import java.util.Queue;
import org.postgresml.proxy.config.PoolMode;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.config.SessionServerAt;
import org.postgresml.proxy.pool.ServerConnectionProvider;
import org.postgresml.proxy.prepared.PrepareOnlyBatch;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * What a session's pool mode decides: how long it holds a server connection and what passes on the
 * way. {@link SessionPooling} holds one for the whole session and relays frames untouched;
 * {@link TransactionPooling} holds one per transaction and renames prepared statements. A session
 * gets one at login (a reload changes the mode for new sessions only). On the client's event loop.
 */
interface Pooling {

  /** The pool mode's part for a client that logged in to this pool. */
  static Pooling of(PoolMode mode, SessionServerAt sessionServerAt, ServerConnectionProvider servers,
      StartupMessage startup, ProxySettings.Limits limits, ByteBufAllocator alloc) {
    return switch (mode) {
      case SESSION -> sessionServerAt == SessionServerAt.LOGIN ? SessionPooling.AT_LOGIN : SessionPooling.AT_FIRST_MESSAGE;
      case TRANSACTION -> new TransactionPooling(servers, startup, limits, alloc);
    };
  }

  /**
   * Whether a login may be answered from the pool's cached server parameters, without a server
   * connection (once the pool has logged in before); false: every login takes one.
   */
  boolean greetsFromPool();

  /**
   * The backend pid the client may take for its own (session mode: the real one, which clients use
   * with pg_terminate_backend and pg_stat_activity); empty where no backend is the client's for long.
   */
  OptionalInt backendPid(ServerConnection connection);

  /** Whether a server connection goes back to its pool whenever the session owes it nothing. */
  boolean releasesBetweenTransactions();

  /**
   * Whether a Query sent on a held connection that owes nothing may be answered by the answer cache
   * (session mode); transaction mode asks before it takes a connection.
   */
  boolean asksCacheWhileHolding();

  /** Who hears of the statements the conversation sees skipped, on this connection. */
  Conversation.SkippedStatements statementsOn(ServerConnection connection);

  /**
   * Writes one client frame to the server connection (it owns the frame from here), telling the
   * conversation of every frame that goes. A frame that does not decode, or is past the client's
   * limits, throws {@link org.postgresml.proxy.protocol.ProtocolException} or
   * {@link org.postgresml.proxy.protocol.LimitExceededException}, released, with nothing sent.
   */
  void toServer(ByteBuf frame, ServerConnection server, Conversation conversation);

  /**
   * Looks at one server frame before the conversation does: true when it goes on to the client,
   * false when it answered a message of the proxy's own (the caller releases it).
   */
  boolean toClient(ByteBuf frame, ServerConnection server);

  /**
   * A client frame while the session holds no server connection (between transactions): answered
   * here, held for more, or to go to a server, into {@code toServer} with what was held before it.
   */
  PrepareOnlyBatch.Verdict betweenTransactions(ByteBuf frame, Channel client, Queue<ByteBuf> toServer);

  /** Nothing of the client's is held here. */
  boolean holdsNothing();

  /** The session ended: what is held is released. */
  void close();
}
