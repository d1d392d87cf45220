package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.postgresml.proxy.cache.SessionCache;
import org.postgresml.proxy.session.ClientSession.State;

/**
 * The session's side of the answer cache: its {@link SessionCache} (opened with the parameters the
 * login reported), the Queries offered to it, and the wait of one for the same call in flight for
 * another client (the session's CACHE_WAIT state): reads pause, and when that call ends the session
 * goes back where it was, with the Query (if it is to be relayed after all) ahead of the frames
 * that queued meanwhile. On the client's event loop.
 */
final class CacheWait {

  private final ClientSession session;
  private final SessionContext context;
  private final ServerHandOver handOver;
  private final SessionEnd end;
  private SessionCache cache = SessionCache.NONE;
  /** Where the session was when its Query began to wait: RELAYING (session mode) or IDLE. */
  private State resumeIn;

  CacheWait(ClientSession session, SessionContext context, ServerHandOver handOver, SessionEnd end) {
    this.session = session;
    this.context = context;
    this.handOver = handOver;
    this.end = end;
  }

  /** The login's answer is about to go out with {@code reported}: the cache opens for exactly those parameters. */
  void open(LoginPhase login, Map<String, String> reported) {
    cache = SessionCache.open(context.cache(), session.channel(), login.startup().database(), login.startup().user(),
        reported, login.parameters().values());
    session.relay().answersTo(cache);
  }

  /**
   * A Query sent while the client is owed nothing outside a transaction: the answer cache may
   * answer it (no server connection needed) or hold it for the same call in flight. True when the
   * frame is taken care of.
   */
  boolean answered(ByteBuf frame) {
    State current = session.state();
    SessionCache.Step step = cache.offer(frame, context.settings().pool().perPool().queryWaitTimeout(), this::ended);
    if (step == SessionCache.Step.WAITING) {
      resumeIn = current;
      session.moveTo(State.CACHE_WAIT);
      session.channel().config().setAutoRead(false);
    } else if (step == SessionCache.Step.ANSWERED && current == State.IDLE) {
      end.atTransactionBoundary();
    }
    return step != SessionCache.Step.RELAY;
  }

  // The call waited for ended: go on where the session was. The Query handed back (null: it was
  // answered) is not offered to the cache again, so it takes the way of any frame of that state.
  private void ended(ByteBuf relayAfterAll) {
    if (session.state() != State.CACHE_WAIT) {
      ReferenceCountUtil.release(relayAfterAll);
      return;
    }
    session.moveTo(resumeIn);
    // Taken out first: a frame that needs a server connection again is held behind what is held
    // (ClientFrames.startTransaction), and the frames the client sent after it must stay after it.
    Deque<ByteBuf> sentMeanwhile = new ArrayDeque<>();
    for (ByteBuf frame = handOver.next(); frame != null; frame = handOver.next()) {
      sentMeanwhile.add(frame);
    }
    if (relayAfterAll != null) {
      sentMeanwhile.addFirst(relayAfterAll);
    }
    while (!sentMeanwhile.isEmpty() && (session.state() == State.RELAYING || session.state() == State.IDLE)) {
      session.onClientFrame(sentMeanwhile.poll());
    }
    sentMeanwhile.forEach(handOver::hold);
    Relay relay = session.relay();
    if (session.state() == State.RELAYING) {
      relay.flushToServer();
    }
    if (session.state() == State.RELAYING || session.state() == State.IDLE) {
      session.channel().config().setAutoRead(session.state() == State.IDLE || relay.isServerWritable());
    }
    if (session.state() == State.IDLE) {
      end.atTransactionBoundary();
    }
  }

  /** During a wait: session mode still holds its server connection, whose frames still count. */
  boolean holdsServer() {
    return resumeIn == State.RELAYING;
  }

  /**
   * A CancelRequest for this client while it waits: the wait ends as PostgreSQL ends a cancelled
   * statement (57014), the session goes back where it was; the call goes on for the others.
   */
  void cancel() {
    cache.cancelWait();
  }

  /** The session ends: a call it leads goes to its waiters unshared, its own wait is dropped. */
  void close() {
    cache.close();
  }
}
