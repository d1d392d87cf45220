package org.postgresml.proxy.session;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Queue;
import org.postgresml.proxy.async.EventLoops;
import org.postgresml.proxy.session.ClientSession.State;
import org.postgresml.proxy.upstream.ServerConnection;

/**
 * From "this client needs a server connection" to frames flowing on one (the session's CONNECTING
 * and ACQUIRING states): the acquire on the client's loop (its failure the client's FATAL), the
 * login's greeting from the first connection (startup settings new to the pool verified on it
 * first; in transaction mode the connection then goes straight back), and the frames the client
 * sent meanwhile, which go to the connection first, in order. It also holds the frames sent while
 * a cacheable call waits ({@link CacheWait}). On the client's event loop.
 */
final class ServerHandOver {

  private final ClientSession session;
  private final SessionContext context;
  private final LoginPhase login;
  private final SessionEnd end;
  /** Frames a client sent before its server connection was ready (clients rarely pipeline that early). */
  private final Deque<ByteBuf> early = new ArrayDeque<>(1); // grows in the rare case; every idle session holds it

  ServerHandOver(ClientSession session, SessionContext context, LoginPhase login, SessionEnd end) {
    this.session = session;
    this.context = context;
    this.login = login;
    this.end = end;
  }

  /** A client frame that waits until the session can pass it on. */
  void hold(ByteBuf frame) {
    early.add(frame);
  }

  /** The oldest frame held, taken out; null when none is. */
  ByteBuf next() {
    return early.poll();
  }

  boolean holdsFrames() {
    return !early.isEmpty();
  }

  /** Where a batch between transactions puts what goes to the server behind the frames held before it. */
  Queue<ByteBuf> queue() {
    return early;
  }

  /** The session ended: what it held goes. */
  void close() {
    for (ByteBuf frame = early.poll(); frame != null; frame = early.poll()) {
      frame.release();
    }
  }

  /** Asks the pool for a connection: CONNECTING while logging in, ACQUIRING between transactions. */
  void acquire() {
    session.moveTo(session.state() == State.IDLE ? State.ACQUIRING : State.CONNECTING);
    Relay relay = session.relay();
    Future<ServerConnection> acquired = relay.acquire(login.startup());
    acquired.addListener(done -> {
      if (done.isSuccess()) {
        ready(acquired.getNow(), false);
      } else if (session.state() != State.CLOSED) {
        end.fatal(end.forFailedAcquire(done.cause(), relay.upstream()));
      }
    });
  }

  /** @param settingsVerified the client's startup settings were just applied and accepted on this connection */
  private void ready(ServerConnection connection, boolean settingsVerified) {
    Channel channel = session.channel();
    State state = session.state();
    if ((state != State.CONNECTING && state != State.ACQUIRING) || !channel.isActive()) {
      context.servers().release(connection, true);
      return;
    }
    if (state == State.CONNECTING) {
      if (!settingsVerified && login.needsVerifying()) {
        verifySettings(connection);
        return;
      }
      login.greet(connection);
      if (early.isEmpty() && session.relay().releaseAfterLogin(connection)) {
        // The connection only lent its parameters to the login; the first transaction takes one again.
        session.moveTo(State.IDLE);
        channel.config().setAutoRead(true);
        return;
      }
    }
    attach(connection);
  }

  // PostgreSQL refuses a bad startup setting before the login ends: so does the proxy, the first time
  // its pool sees the setting (a round trip); later logins with it send it ahead of their first message.
  private void verifySettings(ServerConnection connection) {
    login.verify(connection, refused -> EventLoops.run(session.channel().eventLoop(), () -> {
      if (refused.isPresent()) {
        context.servers().release(connection, true); // rolled back: the connection is as it was
        end.fatal(refused.get().asFatal());
      } else {
        ready(connection, true);
      }
    }));
  }

  private void attach(ServerConnection connection) {
    session.moveTo(State.RELAYING);
    session.relay().attach(connection);
    while (session.state() == State.RELAYING && !early.isEmpty()) {
      session.onClientFrame(early.poll());
    }
    if (session.state() != State.RELAYING) {
      // Released or ended while the early frames went out: what is left waits for the next
      // connection in order (or is dropped with the session), never for this one.
      if (session.state() == State.IDLE && !early.isEmpty()) {
        acquire();
      }
      return;
    }
    connection.flush();
    session.channel().config().setAutoRead(connection.isWritable());
  }
}
