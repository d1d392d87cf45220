package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.ProtocolException;

/** StartupMessage: protocol version and name/value parameters (user, database, options, …). */
public final class StartupMessage {

  /** Protocol 3.0, the only version the proxy speaks. */
  public static final int PROTOCOL_3_0 = 196608;

  private final int protocolVersion;
  /**
   * Names and values alternately, in the packet's order: a session keeps its startup packet for its
   * whole life, and a flat array costs a tenth of a map's entries (issue 17: memory per idle client).
   */
  private final String[] pairs;

  public StartupMessage(int protocolVersion, Map<String, String> parameters) {
    this.protocolVersion = protocolVersion;
    this.pairs = new String[parameters.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> parameter : parameters.entrySet()) {
      pairs[i++] = parameter.getKey();
      pairs[i++] = parameter.getValue();
    }
  }

  /**
   * A session keeps its startup packet for its whole life, and the clients of one application send
   * the same names and values (user, database, application_name, DateStyle…): ten thousand idle
   * clients share one JVM-wide copy of each (the string table holds one only while something does).
   */
  private static String shared(String text) {
    return text.intern();
  }

  /** PostgreSQL's complaint about every malformed parameter list (ProcessStartupPacket). */
  public static final String LAYOUT_ERROR = "invalid startup packet layout: expected terminator as last byte";

  /**
   * Decodes the body after the length field, starting with the version. As PostgreSQL: name/value
   * pairs, then one NUL that must be the packet's last byte.
   *
   * @throws ProtocolException with {@link #LAYOUT_ERROR} when the list is not so
   */
  public static StartupMessage decode(ByteBuf body) {
    int version = Codec.readInt(body);
    Map<String, String> parameters = new LinkedHashMap<>();
    while (true) {
      if (!body.isReadable()) {
        throw new ProtocolException(LAYOUT_ERROR);
      }
      if (body.getByte(body.readerIndex()) == 0) {
        body.skipBytes(1);
        if (body.isReadable()) {
          throw new ProtocolException(LAYOUT_ERROR);
        }
        return new StartupMessage(version, parameters);
      }
      try {
        String name = shared(Codec.readCString(body));
        if (!body.isReadable()) {
          throw new ProtocolException(LAYOUT_ERROR); // a name without its value
        }
        parameters.put(name, shared(Codec.readCString(body)));
      } catch (ProtocolException e) {
        throw new ProtocolException(LAYOUT_ERROR);
      }
    }
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.beginUntyped(alloc);
    buf.writeInt(protocolVersion);
    for (String text : pairs) {
      Codec.writeCString(buf, text);
    }
    buf.writeByte(0);
    return Codec.finishUntyped(buf);
  }

  public int protocolVersion() {
    return protocolVersion;
  }

  /** The parameters in the packet's order (a new map at each call: the few callers read it at login). */
  public Map<String, String> parameters() {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      parameters.put(pairs[i], pairs[i + 1]);
    }
    return Collections.unmodifiableMap(parameters);
  }

  /** One parameter's value, or null. */
  public String parameter(String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  public String user() {
    return parameter("user");
  }

  /** The database, which defaults to the user name as in PostgreSQL (also when given empty). */
  public String database() {
    String database = parameter("database");
    return database == null || database.isEmpty() ? user() : database;
  }
}
