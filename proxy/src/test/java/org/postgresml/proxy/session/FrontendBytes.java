package org.postgresml.proxy.session;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Frontend messages of protocol 3.0 written byte by byte, independently of the proxy's own
 * encoders, so that tests speak the wire exactly as a client library would.
 */
final class FrontendBytes {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private int messages;

  /** Messages written so far. */
  int messages() {
    return messages;
  }

  byte[] bytes() {
    return out.toByteArray();
  }

  FrontendBytes query(String sql) {
    return message('Q', cString(sql));
  }

  FrontendBytes parse(String statement, String sql) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(cString(statement));
    body.writeBytes(cString(sql));
    body.writeBytes(new byte[] {0, 0}); // no parameter types given
    return message('P', body.toByteArray());
  }

  /** Bind with text parameters and text results. */
  FrontendBytes bind(String portal, String statement, String... parameters) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(cString(portal));
    body.writeBytes(cString(statement));
    body.writeBytes(new byte[] {0, 0}); // all parameters in text
    body.writeBytes(int16(parameters.length));
    for (String parameter : parameters) {
      byte[] value = parameter.getBytes(StandardCharsets.UTF_8);
      body.writeBytes(int32(value.length));
      body.writeBytes(value);
    }
    body.writeBytes(new byte[] {0, 0}); // all results in text
    return message('B', body.toByteArray());
  }

  FrontendBytes describe(char kind, String name) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(kind);
    body.writeBytes(cString(name));
    return message('D', body.toByteArray());
  }

  FrontendBytes execute(String portal, int maxRows) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(cString(portal));
    body.writeBytes(int32(maxRows));
    return message('E', body.toByteArray());
  }

  FrontendBytes close(char kind, String name) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(kind);
    body.writeBytes(cString(name));
    return message('C', body.toByteArray());
  }

  FrontendBytes sync() {
    return message('S', new byte[0]);
  }

  FrontendBytes flush() {
    return message('H', new byte[0]);
  }

  /** A fast-path FunctionCall with text arguments and a text result. */
  FrontendBytes functionCall(int oid, String... arguments) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(int32(oid));
    body.writeBytes(int16(1));
    body.writeBytes(int16(0)); // every argument in text
    body.writeBytes(int16(arguments.length));
    for (String argument : arguments) {
      byte[] value = argument.getBytes(StandardCharsets.UTF_8);
      body.writeBytes(int32(value.length));
      body.writeBytes(value);
    }
    body.writeBytes(int16(0)); // the result in text
    return message('F', body.toByteArray());
  }

  FrontendBytes copyData(String text) {
    return message('d', text.getBytes(StandardCharsets.UTF_8));
  }

  FrontendBytes copyDone() {
    return message('c', new byte[0]);
  }

  FrontendBytes copyFail(String reason) {
    return message('f', cString(reason));
  }

  FrontendBytes terminate() {
    return message('X', new byte[0]);
  }

  /** Any typed message, also ones the protocol does not define. */
  FrontendBytes message(char type, byte[] body) {
    out.write(type);
    out.writeBytes(int32(4 + body.length));
    out.writeBytes(body);
    messages++;
    return this;
  }

  FrontendBytes append(FrontendBytes other) {
    out.writeBytes(other.bytes());
    messages += other.messages;
    return this;
  }

  private static byte[] cString(String value) {
    byte[] text = value.getBytes(StandardCharsets.UTF_8);
    byte[] withNul = new byte[text.length + 1];
    System.arraycopy(text, 0, withNul, 0, text.length);
    return withNul;
  }

  private static byte[] int32(int value) {
    return ByteBuffer.allocate(4).putInt(value).array();
  }

  private static byte[] int16(int value) {
    return ByteBuffer.allocate(2).putShort((short) value).array();
  }
}
