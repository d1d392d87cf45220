package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import java.util.List;
import java.util.OptionalInt;
import java.util.Queue;
import org.postgresml.proxy.config.ProxySettings;
import org.postgresml.proxy.pool.ServerConnectionProvider;
import org.postgresml.proxy.prepared.ClientStatements;
import org.postgresml.proxy.prepared.PrepareOnlyBatch;
import org.postgresml.proxy.prepared.PreparedCatalog;
import org.postgresml.proxy.prepared.StatementRewriter;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * Transaction mode: a server connection from a client's first message to the ReadyForQuery that
 * leaves no transaction open (then it goes back at once, see {@link ClientSession}), so what a
 * client prepared must follow it from connection to connection: its named statements are sent
 * under proxy-wide names ({@link StatementRewriter}), a prepare-only batch between transactions is
 * answered without a server when the pool knows its statements ({@link PrepareOnlyBatch}), and a
 * login is answered from the pool's server parameters once it has logged in before.
 */
final class TransactionPooling implements Pooling {

  private final ServerConnectionProvider servers;
  /** The client channel's: what the rewriter writes goes out in its place. */
  private final ByteBufAllocator alloc;
  /** The client's prepared statements, which outlive server connections (bounded by the limits). */
  private final ClientStatements statements;
  /** A PQprepare between transactions, answered without a server when the pool knows it. */
  private final PrepareOnlyBatch prepareOnly = new PrepareOnlyBatch();
  /** The statements this client's pool has parsed before. */
  private final PreparedCatalog catalog;

  TransactionPooling(ServerConnectionProvider servers, StartupMessage startup, ProxySettings.Limits limits,
      ByteBufAllocator alloc) {
    this.servers = servers;
    this.alloc = alloc;
    this.statements = new ClientStatements(limits.maxPreparedStatements(), limits.maxMessageSize());
    this.catalog = servers.catalog(startup);
  }

  @Override
  public boolean greetsFromPool() {
    return true; // as PgBouncer answers from its cached server parameters: the login never waits for a free connection
  }

  @Override
  public OptionalInt backendPid(ServerConnection connection) {
    return OptionalInt.empty(); // the pid in the client's key is the proxy's own
  }

  @Override
  public boolean releasesBetweenTransactions() {
    return true;
  }

  @Override
  public boolean asksCacheWhileHolding() {
    return false;
  }

  @Override
  public Conversation.SkippedStatements statementsOn(ServerConnection connection) {
    return connection.statements();
  }

  @Override
  public void toServer(ByteBuf frame, ServerConnection server, Conversation conversation) {
    List<ByteBuf> rewritten = StatementRewriter.toServer(frame, statements, server.statements(), alloc);
    for (int i = 0; i < rewritten.size(); i++) {
      ByteBuf out = rewritten.get(i);
      conversation.clientSent(FrameDecoder.type(out));
      server.write(out);
    }
  }

  @Override
  public boolean toClient(ByteBuf frame, ServerConnection server) {
    return StatementRewriter.toClient(frame, server.statements());
  }

  @Override
  public PrepareOnlyBatch.Verdict betweenTransactions(ByteBuf frame, Channel client, Queue<ByteBuf> toServer) {
    PrepareOnlyBatch.Verdict verdict = prepareOnly.offer(frame, statements, catalog);
    switch (verdict) {
      case MORE -> { } // the rest of the batch decides
      case ANSWERED -> {
        prepareOnly.answer(statements, alloc).forEach(reply -> client.write(reply, client.voidPromise()));
        client.flush();
      }
      case NEEDS_SERVER -> toServer.addAll(prepareOnly.takeFrames());
    }
    return verdict;
  }

  @Override
  public boolean holdsNothing() {
    return prepareOnly.isEmpty();
  }

  @Override
  public void close() {
    prepareOnly.release();
  }
}
