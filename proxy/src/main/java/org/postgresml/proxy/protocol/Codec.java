package org.postgresml.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/** Byte helpers every message shares: C strings and the length field filled in afterwards. */
public final class Codec {

  private Codec() {}

  /** Reads a NUL-terminated UTF-8 string; a missing terminator is a protocol violation. */
  public static String readCString(ByteBuf buf) {
    int end = buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) 0);
    if (end < 0) {
      throw new ProtocolException("string without terminator");
    }
    String value = buf.toString(buf.readerIndex(), end - buf.readerIndex(), StandardCharsets.UTF_8);
    buf.readerIndex(end + 1);
    return value;
  }

  public static void writeCString(ByteBuf buf, String value) {
    buf.writeCharSequence(value, StandardCharsets.UTF_8);
    buf.writeByte(0);
  }

  /** Starts a typed message: its type byte and a length placeholder; {@link #finish} fills it in. */
  public static ByteBuf begin(ByteBufAllocator alloc, char type) {
    ByteBuf buf = alloc.buffer();
    buf.writeByte(type);
    buf.writeInt(0);
    return buf;
  }

  /** Starts an untyped startup-phase message (length first, no type byte). */
  public static ByteBuf beginUntyped(ByteBufAllocator alloc) {
    ByteBuf buf = alloc.buffer();
    buf.writeInt(0);
    return buf;
  }

  /** Writes the length of a message begun with {@link #begin}. */
  public static ByteBuf finish(ByteBuf buf) {
    buf.setInt(1, buf.writerIndex() - 1);
    return buf;
  }

  /** Writes the length of a message begun with {@link #beginUntyped}. */
  public static ByteBuf finishUntyped(ByteBuf buf) {
    buf.setInt(0, buf.writerIndex());
    return buf;
  }

  /** A typed frame's body as a slice that shares the frame's memory (no copy, no retain). */
  public static ByteBuf body(ByteBuf frame) {
    return frame.slice(frame.readerIndex() + 5, frame.readableBytes() - 5);
  }

  /** Reads an int32 of a message body; a body that ends first is a protocol violation. */
  public static int readInt(ByteBuf buf) {
    require(buf, 4);
    return buf.readInt();
  }

  /** Reads an int16 count or code of a message body, unsigned. */
  public static int readUnsignedShort(ByteBuf buf) {
    require(buf, 2);
    return buf.readUnsignedShort();
  }

  /** Reads one byte of a message body (a kind, a status). */
  public static byte readByte(ByteBuf buf) {
    require(buf, 1);
    return buf.readByte();
  }

  private static void require(ByteBuf buf, int bytes) {
    if (buf.readableBytes() < bytes) {
      throw new ProtocolException("message ends before its " + bytes + "-byte field");
    }
  }

  public static byte[] readBytes(ByteBuf buf, int length) {
    if (length < 0 || length > buf.readableBytes()) {
      throw new ProtocolException("field length " + length + " exceeds the message");
    }
    byte[] bytes = new byte[length];
    buf.readBytes(bytes);
    return bytes;
  }
}
