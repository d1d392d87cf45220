package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Queue;
import org.postgresml.proxy.prepared.PrepareOnlyBatch;
import org.postgresml.proxy.protocol.Conversation;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.frontend.StartupMessage;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * Session mode: the client holds its server connection from login to goodbye and is the only one
 * to speak on it, so every frame passes untouched both ways and the client sees the real backend.
 */
final class SessionPooling implements Pooling {

  static final SessionPooling INSTANCE = new SessionPooling();

  private SessionPooling() {}

  @Override
  public Optional<Map<String, String>> loginWithoutServer(StartupMessage startup) {
    return Optional.empty();
  }

  @Override
  public OptionalInt backendPid(ServerConnection connection) {
    return OptionalInt.of(connection.backendKey().processId());
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

  @Override
  public PrepareOnlyBatch.Verdict betweenTransactions(ByteBuf frame, Channel client, Queue<ByteBuf> toServer) {
    frame.release();
    throw new IllegalStateException("a session-mode client always holds its server connection");
  }

  @Override
  public boolean holdsNothing() {
    return true;
  }

  @Override
  public void close() {}
}
