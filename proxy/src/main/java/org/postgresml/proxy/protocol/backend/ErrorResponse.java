package org.postgresml.proxy.protocol.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.postgresml.proxy.protocol.Codec;
import org.postgresml.proxy.protocol.MessageType;

/** ErrorResponse: severity, SQLSTATE, message and the other one-letter fields. */
public record ErrorResponse(Map<Character, String> fields) {

  public static final char SEVERITY = 'S';
  public static final char SEVERITY_NON_LOCALIZED = 'V';
  public static final char CODE = 'C';
  public static final char MESSAGE = 'M';
  public static final char DETAIL = 'D';
  public static final char HINT = 'H';

  public ErrorResponse {
    fields = Map.copyOf(fields);
  }

  /** An error that ends the connection. */
  public static ErrorResponse fatal(String sqlState, String message) {
    return of("FATAL", sqlState, message);
  }

  public static ErrorResponse error(String sqlState, String message) {
    return of("ERROR", sqlState, message);
  }

  private static ErrorResponse of(String severity, String sqlState, String message) {
    Map<Character, String> fields = new LinkedHashMap<>();
    fields.put(SEVERITY, severity);
    fields.put(SEVERITY_NON_LOCALIZED, severity);
    fields.put(CODE, sqlState);
    fields.put(MESSAGE, message);
    return new ErrorResponse(fields);
  }

  /** The same error, ending the connection (a server's ERROR the proxy turns into a refused login). */
  public ErrorResponse asFatal() {
    Map<Character, String> copy = new LinkedHashMap<>(fields);
    copy.put(SEVERITY, "FATAL");
    copy.put(SEVERITY_NON_LOCALIZED, "FATAL");
    return new ErrorResponse(copy);
  }

  public static ErrorResponse decode(ByteBuf body) {
    Map<Character, String> fields = new LinkedHashMap<>();
    while (body.isReadable()) {
      byte field = body.readByte();
      if (field == 0) {
        break;
      }
      fields.put((char) field, Codec.readCString(body));
    }
    return new ErrorResponse(fields);
  }

  public ByteBuf encode(ByteBufAllocator alloc) {
    ByteBuf buf = Codec.begin(alloc, (char) MessageType.ERROR_RESPONSE);
    // severity, code and message first, as PostgreSQL writes them
    for (char key : new char[] {SEVERITY, SEVERITY_NON_LOCALIZED, CODE, MESSAGE}) {
      if (fields.containsKey(key)) {
        buf.writeByte(key);
        Codec.writeCString(buf, fields.get(key));
      }
    }
    fields.forEach((key, value) -> {
      if (key != SEVERITY && key != SEVERITY_NON_LOCALIZED && key != CODE && key != MESSAGE) {
        buf.writeByte(key);
        Codec.writeCString(buf, value);
      }
    });
    buf.writeByte(0);
    return Codec.finish(buf);
  }

  public String sqlState() {
    return fields.getOrDefault(CODE, "");
  }

  /** FATAL or PANIC: the server ends the session after this error. */
  public boolean isFatal() {
    String severity = fields.getOrDefault(SEVERITY_NON_LOCALIZED, fields.getOrDefault(SEVERITY, ""));
    return severity.equals("FATAL") || severity.equals("PANIC");
  }

  public String message() {
    return fields.getOrDefault(MESSAGE, "");
  }
}
