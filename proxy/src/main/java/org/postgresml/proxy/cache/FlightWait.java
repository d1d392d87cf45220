package org.postgresml.proxy.cache;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One session's wait for the same call in flight for another client: the Query held meanwhile,
 * the time limit ({@code pool.queryWaitTimeout}), and how the wait ends. The flight's answer (or
 * the failure it brought) is replayed to this client; a flight with nothing to share hands the
 * Query back to be relayed as it is; a cancel or the time limit ends it with 57014, the call going
 * on for the others. One instance per lookup (it is the listener the lookup is given); an outcome
 * for a wait that ended already is dropped, so it never answers the session's next call.
 */
final class FlightWait implements Consumer<Flight.Outcome> {

  private final AnswerCache cache;
  private final Channel channel;
  /** Told, on the session's loop, when the wait ended: the Query to relay after all, or null (answered). */
  private final Consumer<ByteBuf> resume;
  private AnswerCache.FlightKey flight;
  /** The client's Query while it waits; null before the wait starts and once it ended. */
  private ByteBuf held;
  private ScheduledFuture<?> timeout;

  FlightWait(AnswerCache cache, Channel channel, Consumer<ByteBuf> resume) {
    this.cache = cache;
    this.channel = channel;
    this.resume = resume;
  }

  /** The lookup said to wait for {@code inFlight}: {@code query} is held until it lands, at most {@code maxWait}. */
  void start(AnswerCache.FlightKey inFlight, ByteBuf query, Duration maxWait) {
    flight = inFlight;
    held = query;
    timeout = channel.eventLoop().schedule(() -> end("the same call, in flight for another client,"
        + " did not finish within pool.queryWaitTimeout (" + maxWait.toMillis() + " ms)"), maxWait.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** The flight landed (on whichever loop it landed on). */
  @Override
  public void accept(Flight.Outcome outcome) {
    channel.eventLoop().execute(() -> heard(outcome));
  }

  private void heard(Flight.Outcome outcome) {
    if (held == null || !channel.isActive()) {
      return; // this wait ended meanwhile (timed out, cancelled, gone); the session may wait for another call now
    }
    ByteBuf frame = stop();
    if (outcome instanceof Flight.Outcome.Answered answered) {
      frame.release();
      CacheReplies.replay(channel, answered.bytes());
      resume.accept(null);
    } else if (outcome instanceof Flight.Outcome.Failed failed) {
      frame.release();
      CacheReplies.replay(channel, failed.bytes());
      resume.accept(null);
    } else {
      resume.accept(frame); // relayed as it is, not offered again
    }
  }

  /**
   * A CancelRequest with the session's key came while it waits: the wait ends as PostgreSQL ends a
   * cancelled statement; the call itself goes on for its leader and the other waiters. False when
   * the wait had ended already. On the session's loop.
   */
  boolean cancel() {
    return end("canceling statement due to user request");
  }

  // The client gets 57014 and ReadyForQuery; its session goes on.
  private boolean end(String message) {
    if (held == null || !channel.isActive()) {
      return false;
    }
    cache.leave(flight, this);
    stop().release();
    CacheReplies.canceled(channel, message);
    resume.accept(null);
    return true;
  }

  /** The session ends: the wait is dropped. */
  void close() {
    if (held != null) {
      cache.leave(flight, this);
      stop().release();
    }
  }

  private ByteBuf stop() {
    ByteBuf frame = held;
    held = null;
    flight = null;
    if (timeout != null) {
      timeout.cancel(false);
      timeout = null;
    }
    return frame;
  }
}
