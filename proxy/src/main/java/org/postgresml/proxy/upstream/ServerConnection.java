package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresml.proxy.protocol.backend.BackendKeyData;
import org.postgresml.proxy.protocol.backend.ReadyForQuery.TransactionStatus;
import org.postgresml.proxy.protocol.frontend.Terminate;

/**
 * One authenticated connection to the upstream, with what the server told it at startup. It
 * outlives clients once a pool holds it: a client session attaches, relays, and detaches.
 */
public final class ServerConnection {

  private final Channel channel;
  private final String upstreamAddress;
  /** The upstream's own key: what a CancelRequest must carry to reach this backend. */
  private final BackendKeyData backendKey;
  /** Run-time parameters as last reported by the server (replayed to each client that attaches). */
  private final Map<String, String> parameters;
  private final ServerRelayHandler relay;
  /** Updated at every ReadyForQuery: the boundary where a pool may take the connection back. */
  private volatile TransactionStatus transactionStatus = TransactionStatus.IDLE;

  ServerConnection(Channel channel, String upstreamAddress, BackendKeyData backendKey,
                   Map<String, String> parameters, ServerRelayHandler relay) {
    this.channel = channel;
    this.upstreamAddress = upstreamAddress;
    this.backendKey = backendKey;
    this.parameters = new LinkedHashMap<>(parameters);
    this.relay = relay;
    relay.bind(this);
  }

  /** Routes this connection's backend messages to a client and starts reading. */
  public void attach(ServerListener listener) {
    relay.attach(listener);
    channel.config().setAutoRead(true);
  }

  /** Stops routing; what arrives until the next attach is held back. */
  public void detach() {
    channel.config().setAutoRead(false);
    relay.attach(null);
  }

  /** Queues a frontend frame (ownership passes to the channel). */
  public void write(ByteBuf frame) {
    channel.write(frame, channel.voidPromise());
  }

  public void flush() {
    channel.flush();
  }

  public boolean isWritable() {
    return channel.isWritable();
  }

  /** Backpressure: stop or resume reading from the upstream. */
  public void setAutoRead(boolean autoRead) {
    channel.config().setAutoRead(autoRead);
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /** Says goodbye to the server (Terminate), then closes. */
  public void close() {
    if (channel.isActive()) {
      channel.writeAndFlush(Terminate.INSTANCE.encode(channel.alloc())).addListener(ChannelFutureListener.CLOSE);
    } else {
      channel.close();
    }
  }

  public BackendKeyData backendKey() {
    return backendKey;
  }

  public Map<String, String> parameters() {
    return Collections.unmodifiableMap(parameters);
  }

  public TransactionStatus transactionStatus() {
    return transactionStatus;
  }

  public String upstreamAddress() {
    return upstreamAddress;
  }

  public Channel channel() {
    return channel;
  }

  void parameterChanged(String name, String value) {
    parameters.put(name, value);
  }

  void transactionStatus(TransactionStatus status) {
    this.transactionStatus = status;
  }
}
