package org.postgresml.proxy.protocol.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/**
 * Bind: binds parameters to a prepared statement, creating a portal. The proxy reads only the two
 * names; parameters pass through as bytes, so renaming the statement copies them untouched.
 */
public final class Bind {

  private Bind() {}

  /** The statement a Bind frame (type byte included) names. */
  public static String statementName(ByteBuf frame) {
    ByteBuf body = Codec.body(frame);
    Codec.readCString(body); // portal
    return Codec.readCString(body);
  }

  /** A new Bind frame naming another statement; the original frame is left as it was (caller releases it). */
  public static ByteBuf withStatementName(ByteBuf frame, String statementName, ByteBufAllocator alloc) {
    ByteBuf body = Codec.body(frame);
    String portal = Codec.readCString(body);
    Codec.readCString(body);
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.BIND);
    Codec.writeCString(buf, portal);
    Codec.writeCString(buf, statementName);
    buf.writeBytes(body);
    return Codec.finish(buf);
  }
}
