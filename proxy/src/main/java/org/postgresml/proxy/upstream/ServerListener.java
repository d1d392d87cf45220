package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;

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
}
