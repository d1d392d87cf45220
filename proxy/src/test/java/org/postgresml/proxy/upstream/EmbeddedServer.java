package org.postgresml.proxy.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.postgresml.proxy.observe.ProxyMetrics;
import org.postgresml.proxy.protocol.FrameDecoder;
import org.postgresml.proxy.protocol.backend.BackendKeyData;

/**
 * A logged-in {@link ServerConnection} whose socket is an {@link EmbeddedChannel}: what the proxy
 * sends the server is read from its outbound side, what the server says is written inbound, framed
 * as on a real socket. For unit tests of the handlers; the ITs run against real PostgreSQL.
 */
public final class EmbeddedServer {

  /** The server's session defaults, as its ParameterStatus messages reported them at login. */
  public static final Map<String, String> PARAMETERS = Map.of("server_version", "17.6", "client_encoding", "UTF8",
      "DateStyle", "ISO, MDY", "TimeZone", "UTC", "integer_datetimes", "on", "standard_conforming_strings", "on");

  private final EmbeddedChannel channel;
  private final ServerConnection connection;

  private EmbeddedServer(int backendPid) {
    ServerRelayHandler relay = new ServerRelayHandler(new ProxyMetrics());
    channel = new EmbeddedChannel(new FrameDecoder(), relay);
    connection = new ServerConnection(channel, "127.0.0.1:5432", new BackendKeyData(backendPid, 7), PARAMETERS,
        relay);
  }

  public static EmbeddedServer loggedIn(int backendPid) {
    return new EmbeddedServer(backendPid);
  }

  public ServerConnection connection() {
    return connection;
  }

  public EmbeddedChannel channel() {
    return channel;
  }

  /** The server sends these bytes (whole messages or parts of them); ownership passes. */
  public void says(ByteBuf bytes) {
    channel.writeInbound(bytes);
    channel.runPendingTasks();
  }

  /** Every message the proxy has sent the server since the last call, as its type bytes (buffers released). */
  public String received() {
    StringBuilder types = new StringBuilder();
    for (ByteBuf frame : receivedFrames()) {
      try {
        types.append((char) frame.getByte(frame.readerIndex()));
      } finally {
        frame.release();
      }
    }
    return types.toString();
  }

  /** The same, as the buffers themselves (the caller releases them); each write may hold several messages. */
  public List<ByteBuf> receivedFrames() {
    channel.runPendingTasks();
    List<ByteBuf> frames = new ArrayList<>();
    for (Object out = channel.readOutbound(); out != null; out = channel.readOutbound()) {
      ByteBuf buf = (ByteBuf) out;
      try {
        while (buf.isReadable()) {
          int length = buf.getInt(buf.readerIndex() + 1);
          frames.add(buf.readRetainedSlice(length + 1));
        }
      } finally {
        buf.release();
      }
    }
    return frames;
  }

  /** The server's socket closes (the backend died or was terminated). */
  public void closes() {
    channel.close();
    channel.runPendingTasks();
  }

  /** Releases whatever is left on either side. */
  public void finish() {
    channel.finishAndReleaseAll();
  }
}
