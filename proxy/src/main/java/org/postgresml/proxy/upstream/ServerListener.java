package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.util.List;

/** Whoever a {@link ServerConnection} relays to: the client session it is attached to. */
public interface ServerListener {

  /** A whole backend message; the listener owns (and must release or forward) the buffer. */
  void onServerFrame(ByteBuf frame);

  /** The end of one read burst from the upstream: time to flush. */
  void onServerReadComplete();

  /** The upstream socket's writability changed (backpressure towards the client). */
  void onServerWritabilityChanged(boolean writable);

  /** The upstream connection ended. */
  void onServerClosed();

  /**
   * The event loop this listener lives on, or null when any thread may call it. A listener on another
   * loop than the connection's gets a read's frames together ({@link #onServerFrames}), one hand-off per
   * read instead of one per frame and one more for the flush.
   */
  default EventExecutor executor() {
    return null;
  }

  /** The frames of one read burst, in order, then its end: as many {@link #onServerFrame} and one {@link #onServerReadComplete}. */
  default void onServerFrames(List<ByteBuf> frames) {
    frames.forEach(this::onServerFrame);
    onServerReadComplete();
  }
}
