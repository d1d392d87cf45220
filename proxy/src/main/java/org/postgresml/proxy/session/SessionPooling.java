package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.OptionalInt;
import java.util.Queue;
import org.postgresml.proxy.prepared.PrepareOnlyBatch;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * Session mode: once the client holds a server connection it keeps it to its goodbye and is the
 * only one to speak on it, so every frame passes untouched both ways. When it takes one is
 * {@code pool.sessionServerAt}'s: at its first message ({@link #AT_FIRST_MESSAGE}, greeted from the
 * pool's cached parameters like a transaction-mode client, so a login never waits for a free
 * connection and a client that leaves without a word costs no server and no reset), or at its
 * login ({@link #AT_LOGIN}, greeted by that connection, whose backend pid the client then gets).
 */
final class SessionPooling implements Pooling {

  static final SessionPooling AT_FIRST_MESSAGE = new SessionPooling(false);
  static final SessionPooling AT_LOGIN = new SessionPooling(true);

  private final boolean atLogin;

  private SessionPooling(boolean atLogin) {
    this.atLogin = atLogin;
  }

  @Override
  public boolean greetsFromPool() {
    return !atLogin;
  }

  @Override
  public OptionalInt backendPid(ServerConnection connection) {
    // Taken at login, the connection is the client's for its whole session: clients use its pid with
    // pg_terminate_backend and pg_stat_activity. Greeted from the pool, a client's key never names a
    // backend, not even when the pool's first login greets it from a connection.
    return atLogin ? OptionalInt.of(connection.backendKey().processId()) : OptionalInt.empty();
  }

  @Override
  public boolean releasesBetweenTransactions() {
    return false;
  }

  @Override
  public boolean asksCacheWhileHolding() {
    return true;
  }

  @Override
  public Conversation.SkippedStatements statementsOn(ServerConnection connection) {
    return Conversation.SkippedStatements.NONE;
  }

  @Override
  public void toServer(ByteBuf frame, ServerConnection server, Conversation conversation) {
    conversation.clientSent(FrameDecoder.type(frame));
    server.write(frame);
  }

  @Override
  public boolean toClient(ByteBuf frame, ServerConnection server) {
    return true;
  }

  /** Only before the first message of a client greeted from the pool: the message takes its connection. */
  @Override
  public PrepareOnlyBatch.Verdict betweenTransactions(ByteBuf frame, Channel client, Queue<ByteBuf> toServer) {
    if (atLogin) {
      frame.release();
      throw new IllegalStateException("a client that took its server connection at login holds it to the end");
    }
    toServer.add(frame);
    return PrepareOnlyBatch.Verdict.NEEDS_SERVER;
  }

  @Override
  public boolean holdsNothing() {
    return true;
  }

  @Override
  public void close() {}
}
