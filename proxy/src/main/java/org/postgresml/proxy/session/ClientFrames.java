package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.FrontendMessage;
import org.postgresml.proxy.protocol.LimitExceededException;
import org.postgresml.proxy.protocol.MessageType;
import org.postgresml.proxy.protocol.ProtocolException;
import org.postgresml.proxy.session.ClientSession.State;

/**
 * What becomes of a frame a client logged in to a pool sends: Terminate ends the session, a type it
 * may not send is refused, a Query may be answered or held by the answer cache, anything else goes
 * to the held connection (RELAYING) or begins the next transaction (IDLE: answered between
 * transactions, held for the rest of a batch, or a server connection acquired for it). On the
 * client's event loop; the frame is owned here from the call on.
 */
final class ClientFrames {

  private final ClientSession session;
  private final ServerHandOver handOver;
  private final CacheWait cacheWait;
  private final SessionEnd end;

  ClientFrames(ClientSession session, ServerHandOver handOver, CacheWait cacheWait, SessionEnd end) {
    this.session = session;
    this.handOver = handOver;
    this.cacheWait = cacheWait;
    this.end = end;
  }

  /** RELAYING: the frame goes to the held connection, unless the answer cache takes it. */
  void toServer(ByteBuf frame) {
    Relay relay = session.relay();
    if (session.state() != State.RELAYING) {
      frame.release(); // an earlier frame of the same read ended the session
    } else if (isRelayable(frame)) {
      // Session mode holds its server; transaction mode asked the cache before it acquired one (startTransaction).
      if (FrameDecoder.type(frame) == MessageType.QUERY && relay.pooling().asksCacheWhileHolding()
          && relay.isReusable() && cacheWait.answered(frame)) {
        return;
      }
      try {
        relay.toServer(frame);
      } catch (ProtocolException | LimitExceededException e) {
        // Handled here, not in exceptionCaught: frames queued while acquiring are relayed from a
        // future's listener, where a thrown exception would only be logged. The frame was released.
        end.fatal(end.forThrown(e));
      }
    }
  }

  /** IDLE: a frame while no server connection is held (between transactions): the next transaction begins. */
  void startTransaction(ByteBuf frame) {
    Relay relay = session.relay();
    if (isRelayable(frame) && !(FrameDecoder.type(frame) == MessageType.QUERY && relay.holdsNothing()
        && cacheWait.answered(frame))) {
      switch (relay.betweenTransactions(frame, handOver.queue())) {
        case MORE -> { } // the rest of the batch decides
        case ANSWERED -> end.atTransactionBoundary();
        case NEEDS_SERVER -> handOver.acquire();
      }
    }
  }

  /**
   * Terminate ends the session here. A type PostgreSQL does not define (or a login message after the
   * login) is refused as the server would refuse it, never forwarded: nobody could say what it is owed.
   */
  private boolean isRelayable(ByteBuf frame) {
    byte type = FrameDecoder.type(frame);
    FrontendMessage message = FrontendMessage.of(type);
    if (type != MessageType.TERMINATE && message != null && message.relayable()) {
      return true;
    }
    frame.release();
    if (type == MessageType.TERMINATE) {
      end.closeQuietly();
    } else {
      end.fatal(SessionEnd.invalidType(type));
    }
    return false;
  }
}
